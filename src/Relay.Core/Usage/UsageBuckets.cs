using Relay.Core.Limits;

namespace Relay.Core.Usage;

/// <summary>One bucket of a series: its natural start, and the part of it inside the queried range.</summary>
public readonly record struct UsageBucketSpan(DateTimeOffset Start, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// Bucket arithmetic shared by the store (which sums each bucket) and the Control API (which lists
/// every bucket, empty ones included, so charts line up). Hours are UTC hours; days are calendar days
/// of the zone, found by converting each local midnight to an instant, so a day spans 23 or 25 hours
/// across a daylight-saving change (a midnight that does not exist starts the day when the clock
/// reaches it; see <see cref="WindowMath.ToInstant"/>).
/// </summary>
public static class UsageBuckets
{
    /// <summary>The buckets covering [<paramref name="from"/>, <paramref name="to"/>), or null when there would be more than <paramref name="max"/>.</summary>
    public static IReadOnlyList<UsageBucketSpan>? TryList(DateTimeOffset from, DateTimeOffset to, UsageBucket bucket, TimeZoneInfo zone, int max)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var spans = new List<UsageBucketSpan>();
        for (var start = StartOf(from, bucket, zone); start < to;)
        {
            if (spans.Count == max)
            {
                return null;
            }

            var next = Add(start, 1, bucket, zone);
            spans.Add(new UsageBucketSpan(TimeZoneInfo.ConvertTime(start, zone), Max(start, from), Min(next, to)));
            start = next;
        }

        return spans;
    }

    /// <summary>The start of the bucket holding <paramref name="instant"/>.</summary>
    public static DateTimeOffset StartOf(DateTimeOffset instant, UsageBucket bucket, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (bucket == UsageBucket.Hour)
        {
            var ticks = instant.UtcTicks;
            return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        }

        return WindowMath.ToInstant(TimeZoneInfo.ConvertTime(instant, zone).DateTime.Date, zone);
    }

    /// <summary>The first instant of <paramref name="date"/> in <paramref name="zone"/> (its midnight, or when the clock reaches a midnight it skips).</summary>
    public static DateTimeOffset DayStart(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return WindowMath.ToInstant(date.ToDateTime(TimeOnly.MinValue), zone);
    }

    /// <summary>The bucket start <paramref name="count"/> buckets after (or before, when negative) the bucket start <paramref name="start"/>.</summary>
    public static DateTimeOffset Add(DateTimeOffset start, int count, UsageBucket bucket, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return bucket == UsageBucket.Hour
            ? start.AddHours(count)
            : WindowMath.ToInstant(TimeZoneInfo.ConvertTime(start, zone).DateTime.Date.AddDays(count), zone);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
