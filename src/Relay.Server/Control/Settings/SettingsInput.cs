using Relay.Core.Policies;

namespace Relay.Server.Control.Settings;

/// <summary>
/// The body of <c>PATCH /api/settings</c>: any subset; given fields replace the stored ones (<c>clientPatterns</c> as a
/// whole). For the forwarding settings (<see cref="ForwardingFields"/>) an explicit null returns the field to the process setting.
/// </summary>
internal sealed record SettingsInput
{
    /// <summary>IANA time zone id, e.g. "Europe/Berlin".</summary>
    public string? TimeZone { get; init; }

    /// <summary>"monday" … "sunday".</summary>
    public string? WeekStartsOn { get; init; }

    /// <summary>0–23.</summary>
    public int? DayResetHour { get; init; }

    public IReadOnlyList<ClientPattern>? ClientPatterns { get; init; }

    /// <summary>Seconds a conversation stays on its account, 0–604800.</summary>
    public int? StickyTtlSeconds { get; init; }

    /// <summary>Most accounts tried per request, 1–10.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Streamed calls: seconds to wait for the first event before failing over, 1–3600.</summary>
    public int? StreamFirstByteTimeoutSeconds { get; init; }

    /// <summary>Non-streamed calls: seconds to wait for the answer's headers, 1–3600.</summary>
    public int? FirstByteTimeoutSeconds { get; init; }

    /// <summary>Seconds of upstream silence before a body read is ended, 1–3600.</summary>
    public int? StreamIdleTimeoutSeconds { get; init; }

    /// <summary>Store request and response bodies of inference requests (encrypted); off by default.</summary>
    public bool? LogContent { get; init; }

    /// <summary>Days stored content is kept, 1–365.</summary>
    public int? ContentRetentionDays { get; init; }

    /// <summary>Most bytes stored per direction of one request, 1024–4194304.</summary>
    public int? ContentMaxBytes { get; init; }

    /// <summary>The fields for which null means "back to the process setting".</summary>
    public static readonly string[] ForwardingFields =
        ["stickyTtlSeconds", "maxAttempts", "streamFirstByteTimeoutSeconds", "firstByteTimeoutSeconds", "streamIdleTimeoutSeconds"];
}
