using System.Globalization;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// Parses the <c>from</c>, <c>to</c> and <c>groupBy</c> parameters. A bare date means a whole day,
/// in UTC unless a time zone is given: <c>from=2026-01-01</c> starts at its midnight,
/// <c>to=2026-01-31</c> includes all of the 31st (the range is half-open, <c>[from, to)</c>).
/// </summary>
internal static class UsageRange
{
    public static Outcome<(DateTimeOffset? From, DateTimeOffset? To)> Parse(string? from, string? to, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        if (!TryParseBound(from, endOfDay: false, zone, out var start))
        {
            return ControlError.Invalid($"Parameter 'from' must be an ISO-8601 date (2026-01-31) or timestamp (2026-01-31T12:00:00Z); got '{from}'.");
        }

        if (!TryParseBound(to, endOfDay: true, zone, out var end))
        {
            return ControlError.Invalid($"Parameter 'to' must be an ISO-8601 date (2026-01-31) or timestamp (2026-01-31T12:00:00Z); got '{to}'.");
        }

        if (start is { } s && end is { } e && s > e)
        {
            return ControlError.Invalid("Parameter 'from' must not be later than 'to'.");
        }

        return (start, end);
    }

    /// <summary>Null when no grouping was asked for (every breakdown is returned).</summary>
    public static Outcome<UsageGrouping?> ParseGrouping(string? groupBy) => groupBy?.Trim().ToLowerInvariant() switch
    {
        null or "" => (UsageGrouping?)null,
        "key" => UsageGrouping.Key,
        "account" => UsageGrouping.Account,
        "model" => UsageGrouping.Model,
        "group" => UsageGrouping.Group,
        "day" => UsageGrouping.Day,
        _ => ControlError.Invalid($"Parameter 'groupBy' must be one of: key, account, model, group, day; got '{groupBy}'."),
    };

    private static bool TryParseBound(string? text, bool endOfDay, TimeZoneInfo zone, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            // The day's first instant in the zone; the end of 9999-12-31 (or a zone shifting 0001-01-01 before
            // year 1) is not representable, and is refused like any other bad value.
            if (endOfDay && day == DateOnly.MaxValue)
            {
                return false;
            }

            try
            {
                value = UsageBuckets.DayStart(endOfDay ? day.AddDays(1) : day, zone);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        // Only ISO-8601 shapes: the invariant culture would otherwise also accept "01/02/2026", which is ambiguous.
        if (text.Length > 10 && text[4] == '-' && text[7] == '-' && text[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            value = instant;
            return true;
        }

        return false;
    }
}
