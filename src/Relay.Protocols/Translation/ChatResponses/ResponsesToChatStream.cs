using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.ChatResponses;

/// <summary>
/// A Responses stream (<c>response.*</c> events) → a Chat Completions stream, event by event. The client sees what
/// OpenAI's Chat API sends: a first chunk with <c>role: assistant</c>; content, <c>reasoning_content</c> and tool-call
/// deltas (each function call item becomes a tool call with its own <c>index</c>, in the order the items were opened;
/// its first delta carries id, name and <c>arguments: ""</c>, later ones argument fragments only); at
/// <c>response.completed</c>/<c>response.incomplete</c> a chunk with <c>finish_reason</c>; with <c>include_usage</c>
/// a chunk with empty <c>choices</c> and <c>usage</c>; then <c>data: [DONE]</c>. <c>response.failed</c>, an
/// <c>error</c> event or a stream that ends without a terminal event end with <c>data: {"error":…}</c> and no <c>[DONE]</c>.
/// </summary>
public sealed class ResponsesToChatStream : IStreamTranslator
{
    private readonly bool _includeUsage;
    private readonly string? _requestedModel;
    private readonly long _created;
    private readonly Dictionary<int, Call> _calls = [];
    private Utf8JsonWriter? _writer;
    private ResponsesUsage _usage;
    private string _id = "chatcmpl-relay";
    private bool _started;
    private bool _ended;

    /// <param name="includeUsage">The client asked for <c>stream_options.include_usage: true</c>: end with a usage chunk.</param>
    /// <param name="requestedModel">The client's model, used in chunks only until the upstream names its own.</param>
    /// <param name="created">Unix seconds for <c>created</c> until the upstream's <c>created_at</c> is known; now when null.</param>
    public ResponsesToChatStream(bool includeUsage, string? requestedModel = null, long? created = null)
    {
        _includeUsage = includeUsage;
        _requestedModel = requestedModel;
        _created = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public TokenUsage Usage => _usage.ToTokenUsage();

    public string? UpstreamModel { get; private set; }

    /// <summary>True once a terminal <c>response.completed</c>/<c>response.incomplete</c> arrived and <c>[DONE]</c> was written.</summary>
    public bool EndedProperly { get; private set; }

    private string Model => UpstreamModel ?? _requestedModel ?? "";

    private long Created { get; set; }

    /// <summary>One function call item: its Chat tool-call index and whether any argument text was sent yet.</summary>
    private sealed class Call(int index)
    {
        public int Index { get; } = index;

        public bool SentArguments { get; set; }
    }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToArray(), ChatJson.DocumentOptions);
        }
        catch (JsonException)
        {
            Fail("api_error", "The upstream sent an event that is not JSON.", output);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            switch (ResponsesAnswer.String(root, "type"))
            {
                case "response.created" or "response.in_progress" or "response.queued":
                    ReadResponse(root);
                    EnsureStarted(output);
                    break;
                case "response.output_item.added":
                    OnItemAdded(root, output);
                    break;
                case "response.output_text.delta" when ResponsesAnswer.String(root, "delta") is { Length: > 0 } text:
                    WriteDelta("content"u8, text, output);
                    break;
                case "response.refusal.delta" when ResponsesAnswer.String(root, "delta") is { Length: > 0 } refusal:
                    WriteDelta("refusal"u8, refusal, output);
                    break;
                case "response.reasoning_summary_part.added" when root.TryGetProperty("summary_index", out var si) && si.TryGetInt32(out int s) && s > 0:
                    WriteDelta("reasoning_content"u8, "\n\n", output);
                    break;
                case "response.reasoning_summary_text.delta" or "response.reasoning_text.delta" when ResponsesAnswer.String(root, "delta") is { Length: > 0 } thought:
                    WriteDelta("reasoning_content"u8, thought, output);
                    break;
                case "response.function_call_arguments.delta" when CallAt(root) is { } call && ResponsesAnswer.String(root, "delta") is { Length: > 0 } fragment:
                    WriteArguments(call, fragment, output);
                    break;
                case "response.function_call_arguments.done" when CallAt(root) is { SentArguments: false } call:
                    // A host that sends the arguments only whole.
                    WriteArguments(call, ResponsesAnswer.String(root, "arguments") ?? "", output);
                    break;
                case "response.output_item.done" when CallAt(root) is { SentArguments: false } call && root.TryGetProperty("item", out var item):
                    WriteArguments(call, ResponsesAnswer.String(item, "arguments") ?? "", output);
                    break;
                case "response.completed" or "response.incomplete":
                    OnCompleted(root, output);
                    break;
                case "response.failed":
                    OnFailed(root, output);
                    break;
                case "error":
                    var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : root;
                    Fail(ResponsesAnswer.ErrorType(ResponsesAnswer.String(error, "code") ?? ResponsesAnswer.String(error, "type")),
                        ResponsesAnswer.String(error, "message") ?? "The upstream reported an error.", output);
                    break;

                // Part boundaries, *.done events and hosted-tool progress have no Chat counterpart.
            }
        }
    }

    /// <summary>
    /// The upstream connection ended. After a terminal event there is nothing left to write; without one the
    /// answer was cut, so the client gets an error chunk rather than a quiet end it would take for a whole answer.
    /// </summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (!_ended)
        {
            Fail("api_error", "The upstream stream ended before the response was complete.", output);
        }
    }

    public void Fail(string errorType, string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        _ended = true;
        ChatErrors.WriteStreamError(output, errorType, message);
    }

    private void ReadResponse(JsonElement root)
    {
        if (!root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (ResponsesAnswer.String(response, "id") is { } id)
        {
            _id = ResponsesAnswer.CompletionId(id);
        }

        if (ResponsesAnswer.String(response, "model") is { } model)
        {
            UpstreamModel = model;
        }

        if (response.TryGetProperty("created_at", out var c) && c.TryGetInt64(out long created))
        {
            Created = created;
        }

        if (response.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = ResponsesUsage.Read(usage);
        }
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var w = BeginChunk(output);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteString("content"u8, ""u8);
        EndChunk(w, output, null);
    }

    private Call? CallAt(JsonElement root) =>
        root.TryGetProperty("output_index", out var i) && i.TryGetInt32(out int index) && _calls.TryGetValue(index, out var call) ? call : null;

    private void OnItemAdded(JsonElement root, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        if (!root.TryGetProperty("item", out var item) || ResponsesAnswer.String(item, "type") != "function_call")
        {
            return;
        }

        int outputIndex = root.TryGetProperty("output_index", out var i) && i.TryGetInt32(out int n) ? n : -1 - _calls.Count;
        var call = new Call(_calls.Count);
        _calls[outputIndex] = call;
        var w = BeginChunk(output);
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, call.Index);
        w.WriteString("id"u8, ResponsesAnswer.String(item, "call_id") ?? ResponsesAnswer.String(item, "id") ?? "");
        w.WriteString("type"u8, "function"u8);
        w.WriteStartObject("function"u8);
        w.WriteString("name"u8, ResponsesAnswer.String(item, "name") ?? "");
        w.WriteString("arguments"u8, ""u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(w, output, null);
        if (ResponsesAnswer.String(item, "arguments") is { Length: > 0 } arguments)
        {
            WriteArguments(call, arguments, output);
        }
    }

    private void WriteArguments(Call call, string fragment, IBufferWriter<byte> output)
    {
        call.SentArguments = true;
        if (fragment.Length == 0)
        {
            return;
        }

        var w = BeginChunk(output);
        w.WriteStartArray("tool_calls"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, call.Index);
        w.WriteStartObject("function"u8);
        w.WriteString("arguments"u8, fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(w, output, null);
    }

    private void OnCompleted(JsonElement root, IBufferWriter<byte> output)
    {
        ReadResponse(root);
        EnsureStarted(output);
        var response = root.TryGetProperty("response", out var r) ? r : default;
        var w = BeginChunk(output);
        EndChunk(w, output, ResponsesAnswer.FinishReason(response, _calls.Count > 0));
        if (_includeUsage)
        {
            var uw = StartChunkObject(output);
            uw.WriteStartArray("choices"u8);
            uw.WriteEndArray();
            _usage.WriteChat(uw);
            uw.WriteEndObject();
            FinishEvent(uw, output);
        }

        output.Write("data: [DONE]\n\n"u8);
        _ended = true;
        EndedProperly = true;
    }

    private void OnFailed(JsonElement root, IBufferWriter<byte> output)
    {
        ReadResponse(root);
        string? code = null, message = null;
        if (root.TryGetProperty("response", out var response) && response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            code = ResponsesAnswer.String(error, "code");
            message = ResponsesAnswer.String(error, "message");
        }

        Fail(ResponsesAnswer.ErrorType(code), message ?? "The upstream reported a failed response.", output);
    }

    private void WriteDelta(ReadOnlySpan<byte> name, string text, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        var w = BeginChunk(output);
        w.WriteString(name, text);
        EndChunk(w, output, null);
    }

    private Utf8JsonWriter StartChunkObject(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        var w = _writer ??= new Utf8JsonWriter(output, ChatJson.WriterOptions);
        w.Reset(output);
        w.WriteStartObject();
        w.WriteString("id"u8, _id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, Created != 0 ? Created : _created);
        w.WriteString("model"u8, Model);
        return w;
    }

    // Opens a chunk and leaves the writer inside choices[0].delta.
    private Utf8JsonWriter BeginChunk(IBufferWriter<byte> output)
    {
        var w = StartChunkObject(output);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteStartObject("delta"u8);
        return w;
    }

    private static void EndChunk(Utf8JsonWriter w, IBufferWriter<byte> output, string? finishReason)
    {
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            w.WriteNull("finish_reason"u8);
        }
        else
        {
            w.WriteString("finish_reason"u8, finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        FinishEvent(w, output);
    }

    private static void FinishEvent(Utf8JsonWriter w, IBufferWriter<byte> output)
    {
        w.Flush();
        output.Write("\n\n"u8);
    }
}
