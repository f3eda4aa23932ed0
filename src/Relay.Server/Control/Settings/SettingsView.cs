using Relay.Core.Policies;
using Relay.Core.Settings;

namespace Relay.Server.Control.Settings;

/// <summary>
/// The live settings as the Control API shows them: the stored calendar and client families, and the forwarding
/// settings in force (a live override, else the process setting).
/// </summary>
internal sealed record SettingsView(
    string TimeZone,
    string WeekStartsOn,
    int DayResetHour,
    IReadOnlyList<ClientPattern> ClientPatterns,
    int StickyTtlSeconds,
    int MaxAttempts,
    int StreamFirstByteTimeoutSeconds,
    int FirstByteTimeoutSeconds,
    int StreamIdleTimeoutSeconds,
    bool LogContent,
    int ContentRetentionDays,
    int ContentMaxBytes)
{
    /// <summary>Names of the forwarding settings that are overridden live (the rest show the process setting).</summary>
    public IReadOnlyList<string> Overridden { get; init; } = [];

    public static SettingsView From(RelaySettings settings, ForwardingSettings processDefaults)
    {
        var effective = processDefaults.With(settings);
        return new(
            settings.TimeZone,
            settings.WeekStartsOn.ToString().ToLowerInvariant(),
            settings.DayResetHour,
            settings.ClientPatterns,
            (int)effective.StickyTtl.TotalSeconds,
            effective.MaxAttempts,
            (int)effective.StreamFirstByteTimeout.TotalSeconds,
            (int)effective.FirstByteTimeout.TotalSeconds,
            (int)effective.StreamIdleTimeout.TotalSeconds,
            settings.LogContent,
            settings.ContentRetentionDays,
            settings.ContentMaxBytes)
        {
            Overridden =
            [
                .. settings.StickyTtlSeconds is null ? Array.Empty<string>() : ["stickyTtlSeconds"],
                .. settings.MaxAttempts is null ? Array.Empty<string>() : ["maxAttempts"],
                .. settings.StreamFirstByteTimeoutSeconds is null ? Array.Empty<string>() : ["streamFirstByteTimeoutSeconds"],
                .. settings.FirstByteTimeoutSeconds is null ? Array.Empty<string>() : ["firstByteTimeoutSeconds"],
                .. settings.StreamIdleTimeoutSeconds is null ? Array.Empty<string>() : ["streamIdleTimeoutSeconds"],
            ],
        };
    }
}
