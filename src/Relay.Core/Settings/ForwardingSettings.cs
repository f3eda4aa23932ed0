namespace Relay.Core.Settings;

/// <summary>
/// How the request path forwards: stickiness, failover budget and upstream timeouts, as they apply now. The process
/// settings of the same names are the defaults; live overrides in <see cref="RelaySettings"/> win. Resolved once per
/// snapshot (<see cref="Snapshots.RelaySnapshot.Forwarding"/>), so requests read plain fields and never the store.
/// </summary>
public sealed record ForwardingSettings
{
    public const int MaxStickyTtlSeconds = 604_800;
    public const int MaxAttemptsLimit = 10;
    public const int MaxTimeoutSeconds = 3600;

    /// <summary>How long a conversation stays on the account that served it.</summary>
    public TimeSpan StickyTtl { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>Most accounts tried for one request (at least 1).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Streamed calls: longest wait for the upstream's headers and first event before failing over.</summary>
    public TimeSpan StreamFirstByteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Non-streamed calls: longest wait for the upstream's answer headers.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Longest silence between two reads of an upstream body.</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(300);

    public static ForwardingSettings Default { get; } = new();

    /// <summary>From whole seconds, as process settings and the Control API give them.</summary>
    public static ForwardingSettings FromSeconds(int stickyTtl, int maxAttempts, int streamFirstByte, int firstByte, int streamIdle) => new()
    {
        StickyTtl = TimeSpan.FromSeconds(Math.Max(0, stickyTtl)),
        MaxAttempts = Math.Max(1, maxAttempts),
        StreamFirstByteTimeout = TimeSpan.FromSeconds(Math.Max(1, streamFirstByte)),
        FirstByteTimeout = TimeSpan.FromSeconds(Math.Max(1, firstByte)),
        StreamIdleTimeout = TimeSpan.FromSeconds(Math.Max(1, streamIdle)),
    };

    /// <summary>These settings with the overrides of <paramref name="live"/> applied (an absent override keeps the value here).</summary>
    public ForwardingSettings With(RelaySettings live)
    {
        ArgumentNullException.ThrowIfNull(live);
        return new()
        {
            StickyTtl = live.StickyTtlSeconds is { } sticky ? TimeSpan.FromSeconds(sticky) : StickyTtl,
            MaxAttempts = live.MaxAttempts ?? MaxAttempts,
            StreamFirstByteTimeout = live.StreamFirstByteTimeoutSeconds is { } streamFirstByte ? TimeSpan.FromSeconds(streamFirstByte) : StreamFirstByteTimeout,
            FirstByteTimeout = live.FirstByteTimeoutSeconds is { } firstByte ? TimeSpan.FromSeconds(firstByte) : FirstByteTimeout,
            StreamIdleTimeout = live.StreamIdleTimeoutSeconds is { } idle ? TimeSpan.FromSeconds(idle) : StreamIdleTimeout,
        };
    }
}
