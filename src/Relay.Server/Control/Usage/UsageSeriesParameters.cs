using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>Parses the <c>bucket</c>, <c>tz</c> and <c>by</c> parameters of <c>GET /api/usage/series</c>.</summary>
internal static class UsageSeriesParameters
{
    public static Outcome<UsageBucket> ParseBucket(string? bucket) => bucket?.Trim().ToLowerInvariant() switch
    {
        null or "" or "day" => UsageBucket.Day,
        "hour" => UsageBucket.Hour,
        _ => ControlError.Invalid($"Parameter 'bucket' must be 'hour' or 'day'; got '{bucket}'."),
    };

    /// <summary>Null when the series is not split.</summary>
    public static Outcome<UsageGrouping?> ParseSplit(string? by) => by?.Trim().ToLowerInvariant() switch
    {
        null or "" => (UsageGrouping?)null,
        "key" => UsageGrouping.Key,
        "account" => UsageGrouping.Account,
        "model" => UsageGrouping.Model,
        "group" => UsageGrouping.Group,
        _ => ControlError.Invalid($"Parameter 'by' must be one of: key, account, model, group; got '{by}'."),
    };

    /// <summary>An IANA zone id such as <c>Europe/Berlin</c>; absent = UTC.</summary>
    public static Outcome<TimeZoneInfo> ParseTimeZone(string? tz)
    {
        if (string.IsNullOrWhiteSpace(tz))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(tz.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return ControlError.Invalid($"Parameter 'tz' must be an IANA time zone such as Europe/Berlin or UTC; got '{tz}'.");
        }
    }
}
