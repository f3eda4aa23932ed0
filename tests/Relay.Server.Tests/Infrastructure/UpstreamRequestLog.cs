using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// What both fake upstreams keep: every request, recorded under the scenario prefix of its path
/// (<c>/s/{prefix}/…</c>) with its raw body, and the custom handlers tests script per prefix.
/// </summary>
public sealed class UpstreamRequestLog
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<UpstreamRequest>> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<HttpContext, UpstreamRequest, Task>> _scripts = new(StringComparer.Ordinal);
    private int _counter;

    public void Script(string prefix, Func<HttpContext, UpstreamRequest, Task> handler) => _scripts[prefix] = handler;

    public Func<HttpContext, UpstreamRequest, Task>? ScriptFor(string prefix) => _scripts.TryGetValue(prefix, out var script) ? script : null;

    public IReadOnlyList<UpstreamRequest> Requests(string prefix) =>
        _requests.TryGetValue(prefix, out var queue) ? [.. queue] : [];

    public int Count(string prefix) => _requests.TryGetValue(prefix, out var queue) ? queue.Count : 0;

    /// <summary>All requests received, in arrival order.</summary>
    public IReadOnlyList<UpstreamRequest> All =>
        [.. _requests.Values.SelectMany(q => q).OrderBy(r => r.Sequence)];

    /// <summary>Reads the request's body and records it; null when its path carries no scenario prefix.</summary>
    public async Task<UpstreamRequest?> RecordAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (!path.StartsWith("/s/", StringComparison.Ordinal))
        {
            return null;
        }

        var slash = path.IndexOf('/', 3);
        var prefix = slash < 0 ? path[3..] : path[3..slash];
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var request = new UpstreamRequest(
            Interlocked.Increment(ref _counter),
            prefix,
            context.Request.Method,
            slash < 0 ? "/" : path[slash..],
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray())
        {
            RemotePort = context.Connection.RemotePort,
        };
        _requests.GetOrAdd(prefix, _ => new ConcurrentQueue<UpstreamRequest>()).Enqueue(request);
        return request;
    }
}
