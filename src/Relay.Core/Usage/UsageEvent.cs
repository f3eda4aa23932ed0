using Relay.Protocols.Usage;

namespace Relay.Core.Usage;

/// <summary>
/// One per request that passed authentication. Holds prompt or completion content only in <see cref="Content"/>,
/// and only while the operator has turned content logging on.
/// </summary>
public sealed record UsageEvent
{
    public required DateTimeOffset Timestamp { get; init; }
    public required string KeyId { get; init; }

    /// <summary>The account that produced the answer (or the last one tried); null when none was tried.</summary>
    public string? AccountId { get; init; }

    /// <summary>The account group the request drew its account from; null when it used the shared pool.</summary>
    public string? GroupId { get; init; }
    public required string Platform { get; init; }
    public string? RequestedModel { get; init; }
    public string? UpstreamModel { get; init; }
    public TokenUsage Tokens { get; init; }
    public decimal Cost { get; init; }

    /// <summary>HTTP status the client received.</summary>
    public int Status { get; init; }

    /// <summary>Null on success; otherwise a stable class such as <c>rate_limited</c>, <c>overloaded</c>, <c>upstream_cut</c>.</summary>
    public string? ErrorClass { get; init; }
    public int LatencyMs { get; init; }

    /// <summary>Time until the first response byte went to the client; null when nothing was sent.</summary>
    public int? FirstByteMs { get; init; }
    public bool Stream { get; init; }

    /// <summary>How many accounts were tried (1 when the first one answered).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>The request and response bodies, when content logging was on for this request; otherwise null.</summary>
    public UsageContent? Content { get; init; }
}
