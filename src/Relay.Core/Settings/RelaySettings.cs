using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Core.Settings;

/// <summary>
/// Live settings an operator changes through the Control API (stored under <see cref="StorageName"/> in the
/// config store, so a change reaches the request path with the next snapshot, no restart).
/// </summary>
public sealed record RelaySettings
{
    public const string StorageName = "relay.settings";

    public const int MinContentRetentionDays = 1;
    public const int MaxContentRetentionDays = 365;
    public const int MinContentMaxBytes = 1024;
    public const int MaxContentMaxBytes = 4_194_304;

    /// <summary>IANA (or Windows) time zone id for "1d" and "1w" limit windows and daily reports.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Weekly limits reset on this day at <see cref="DayResetHour"/>.</summary>
    public DayOfWeek WeekStartsOn { get; init; } = DayOfWeek.Monday;

    /// <summary>Local hour (0–23) at which daily and weekly limits reset.</summary>
    public int DayResetHour { get; init; }

    /// <summary>Operator-defined client families for key policies, matched against the whole User-Agent.</summary>
    public IReadOnlyList<ClientPattern> ClientPatterns { get; init; } = [];

    /// <summary>Live override of the process setting <c>StickyTtlSeconds</c> (0–604800); null = the process setting.</summary>
    public int? StickyTtlSeconds { get; init; }

    /// <summary>Live override of <c>MaxAttempts</c> (1–10); null = the process setting.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Live override of <c>StreamFirstByteTimeoutSeconds</c> (1–3600); null = the process setting.</summary>
    public int? StreamFirstByteTimeoutSeconds { get; init; }

    /// <summary>Live override of <c>FirstByteTimeoutSeconds</c> (1–3600); null = the process setting.</summary>
    public int? FirstByteTimeoutSeconds { get; init; }

    /// <summary>Live override of <c>StreamIdleTimeoutSeconds</c> (1–3600); null = the process setting.</summary>
    public int? StreamIdleTimeoutSeconds { get; init; }

    /// <summary>
    /// Store the request and response bodies of inference requests (encrypted, with their usage event). Off by default:
    /// Relay stores no prompt or completion content unless an operator turns this on.
    /// </summary>
    public bool LogContent { get; init; }

    /// <summary>Stored content older than this many days (1–365) is deleted by the retention job.</summary>
    public int ContentRetentionDays { get; init; } = 7;

    /// <summary>Most bytes kept per direction (request, response) of one request (1024–4194304); the rest is cut off.</summary>
    public int ContentMaxBytes { get; init; } = 262_144;

    public static RelaySettings Default { get; } = new();

    /// <summary>The calendar for limit windows; an unknown zone id falls back to UTC (validation refuses it on write).</summary>
    public CalendarSettings ToCalendar() =>
        new(TryFindTimeZone(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc, WeekStartsOn, DayResetHour);

    public static bool TryFindTimeZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>Checks every field; the error names the one at fault.</summary>
    public string? Validate()
    {
        if (!TryFindTimeZone(TimeZone, out _))
        {
            return $"timeZone \"{TimeZone}\" is not a known time zone id (e.g. \"UTC\", \"Europe/Berlin\", \"America/New_York\")";
        }

        if (DayResetHour is < 0 or > 23)
        {
            return "dayResetHour must be between 0 and 23";
        }

        if (!Enum.IsDefined(WeekStartsOn))
        {
            return "weekStartsOn must be a day of the week";
        }

        if (OutOfRange(StickyTtlSeconds, 0, ForwardingSettings.MaxStickyTtlSeconds) is { } sticky)
        {
            return "'stickyTtlSeconds' " + sticky;
        }

        if (OutOfRange(MaxAttempts, 1, ForwardingSettings.MaxAttemptsLimit) is { } attempts)
        {
            return "'maxAttempts' " + attempts;
        }

        if (OutOfRange(StreamFirstByteTimeoutSeconds, 1, ForwardingSettings.MaxTimeoutSeconds) is { } streamFirstByte)
        {
            return "'streamFirstByteTimeoutSeconds' " + streamFirstByte;
        }

        if (OutOfRange(FirstByteTimeoutSeconds, 1, ForwardingSettings.MaxTimeoutSeconds) is { } firstByte)
        {
            return "'firstByteTimeoutSeconds' " + firstByte;
        }

        if (OutOfRange(StreamIdleTimeoutSeconds, 1, ForwardingSettings.MaxTimeoutSeconds) is { } idle)
        {
            return "'streamIdleTimeoutSeconds' " + idle;
        }

        if (ContentRetentionDays is < MinContentRetentionDays or > MaxContentRetentionDays)
        {
            return $"'contentRetentionDays' must be between {MinContentRetentionDays} and {MaxContentRetentionDays}";
        }

        if (ContentMaxBytes is < MinContentMaxBytes or > MaxContentMaxBytes)
        {
            return $"'contentMaxBytes' must be between {MinContentMaxBytes} and {MaxContentMaxBytes}";
        }

        if (ClientPatterns.Count > 100)
        {
            return "clientPatterns: at most 100 entries";
        }

        for (var i = 0; i < ClientPatterns.Count; i++)
        {
            var p = ClientPatterns[i];
            if (p is null || string.IsNullOrWhiteSpace(p.Family) || string.IsNullOrWhiteSpace(p.UserAgentGlob) || p.UserAgentGlob.Length > 500)
            {
                return $"clientPatterns[{i}] needs a family and a userAgent pattern (at most 500 characters)";
            }
        }

        return null;
    }

    private static string? OutOfRange(int? value, int min, int max) =>
        value is { } v && (v < min || v > max) ? $"must be between {min} and {max} (or null for the process setting)" : null;
}
