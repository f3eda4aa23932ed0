using System.Text;
using System.Text.Json;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>One request as the fake upstream received it.</summary>
public sealed class UpstreamRequest
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MemoryStream _response = new();
    private volatile bool _done;

    internal UpstreamRequest(int sequence, string prefix, string method, string path, string query, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Sequence = sequence;
        Prefix = prefix;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
        Body = body;
        BodyText = Encoding.UTF8.GetString(body);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                Model = json.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                Stream = json.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            }
        }
        catch (JsonException)
        {
        }
    }

    public int Sequence { get; }

    /// <summary>The caller's port: tells which connection (direct, or a test proxy's outbound socket) carried the request.</summary>
    public int RemotePort { get; init; }
    public string Prefix { get; }
    public string Method { get; }

    /// <summary>Path after the scenario prefix, e.g. <c>/v1/messages</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including the leading '?', or empty.</summary>
    public string Query { get; }
    public string PathAndQuery => Path + Query;
    public IReadOnlyDictionary<string, string> Headers { get; }
    public byte[] Body { get; }
    public string BodyText { get; }
    public string? Model { get; }
    public bool Stream { get; }

    /// <summary>Completes when the caller dropped the request before the fake finished answering.</summary>
    public Task Aborted => _aborted.Task;

    /// <summary>Completes when the fake's handler returned (answered, aborted or cut).</summary>
    public Task Finished => _finished.Task;

    public bool WasAborted => _aborted.Task.IsCompleted;

    /// <summary>Exactly the body bytes the fake wrote.</summary>
    public byte[] ResponseBytes
    {
        get
        {
            lock (_response)
            {
                return _response.ToArray();
            }
        }
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    internal void AppendResponse(ReadOnlySpan<byte> bytes)
    {
        lock (_response)
        {
            _response.Write(bytes);
        }
    }

    internal void MarkAborted()
    {
        if (!_done)
        {
            _aborted.TrySetResult();
        }
    }

    internal void MarkFinished()
    {
        _done = true;
        _finished.TrySetResult();
    }
}
