using System.Diagnostics;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Server.Forwarding;
using Relay.Server.Inference.Shapes;

namespace Relay.Server.Inference;

/// <summary>What one inference request carries through the pipeline: a typed context instead of HttpContext.Items.</summary>
internal sealed class RelayRequest(HttpContext http, ClientShape shape, KeyEntry key, RelaySnapshot snapshot, string upstreamPath)
{
    public HttpContext Http { get; } = http;

    /// <summary>The wire format the client speaks; its errors and (when they differ) its translation follow it.</summary>
    public ClientShape Shape { get; } = shape;
    public KeyEntry Key { get; } = key;

    /// <summary>The snapshot this request started with; one request sees one consistent configuration.</summary>
    public RelaySnapshot Snapshot { get; } = snapshot;

    /// <summary>Path sent upstream, e.g. <c>/v1/messages</c> (any /claude or /api prefix removed).</summary>
    public string UpstreamPath { get; } = upstreamPath;
    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    public PooledBody? Body { get; set; }

    /// <summary>Collects what the client receives while content logging is on; null (the usual case) when it is off.</summary>
    public ContentCapture? Capture { get; set; }

    /// <summary>Model as the client asked for it; null until the head is read.</summary>
    public string? Model { get; set; }
    public bool Stream { get; set; }
    public int ModelValueStart { get; set; }
    public int ModelValueLength { get; set; }
    public string? SessionKey { get; set; }

    /// <summary>A Chat client asked for <c>stream_options.include_usage</c> (read with the head, so the body is parsed once).</summary>
    public bool IncludeUsage { get; set; }

    /// <summary>Prompt tokens and cost reserved against limits before sending; zero when no limit needs them.</summary>
    public UsageEstimate Estimate { get; set; }

    /// <summary>The group whose pool served the request, for usage by group; null for the shared pool.</summary>
    public string? GroupId { get; set; }

    public int ElapsedMs => (int)Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds;
}
