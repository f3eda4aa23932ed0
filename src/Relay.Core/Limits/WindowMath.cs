namespace Relay.Core.Limits;

/// <summary>
/// All window arithmetic in one place.
/// <para>
/// Sliding windows are split into <see cref="SubBuckets"/> fixed sub-buckets of Length/60 each, aligned to
/// the Unix epoch, so a (scope, rule) costs a fixed 61 slots however busy it is. A window counts the
/// current sub-bucket and the 60 before it, so it spans between Length and Length + one sub-bucket:
/// usage is never under-counted (no over-admission), and a refusal may last at most 1/60 of the window
/// longer than an exact log would say (1 s on "60s", 5 min on "5h").
/// </para>
/// <para>
/// Calendar periods are computed in the operator's time zone. A reset time that falls in a daylight-saving
/// gap happens when the gap ends; one that occurs twice in a fall-back hour happens at the first occurrence.
/// </para>
/// </summary>
public static class WindowMath
{
    public const int SubBuckets = 60;

    /// <summary>Ring slots per sliding meter: the current sub-bucket plus <see cref="SubBuckets"/> older ones.</summary>
    internal const int RingSlots = SubBuckets + 1;

    public static long BucketTicks(TimeSpan length) => Math.Max(1, length.Ticks / SubBuckets);

    /// <summary>Index of the sub-bucket holding <paramref name="utcTicks"/>.</summary>
    public static long BucketIndex(long utcTicks, long bucketTicks) => utcTicks / bucketTicks;

    /// <summary>When a usage recorded in sub-bucket <paramref name="bucket"/> stops counting.</summary>
    public static long BucketExpiresAt(long bucket, long bucketTicks) => (bucket + RingSlots) * bucketTicks;

    /// <summary>The calendar period ("1d" or "1w") that contains <paramref name="now"/>.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) CalendarPeriod(LimitWindowKind kind, DateTimeOffset now, CalendarSettings calendar)
    {
        var zone = calendar.TimeZone;
        var localDate = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
        var hour = TimeSpan.FromHours(Math.Clamp(calendar.ResetHour, 0, 23));
        var days = kind switch
        {
            LimitWindowKind.Day => 1,
            LimitWindowKind.Week => 7,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only day and week windows have calendar periods"),
        };

        var startLocal = localDate + hour;
        if (days == 7)
        {
            startLocal = startLocal.AddDays(-(((int)localDate.DayOfWeek - (int)calendar.WeekStartsOn + 7) % 7));
        }

        // Before today's reset hour the current period began one period earlier.
        var start = ToInstant(startLocal, zone);
        if (start > now)
        {
            startLocal = startLocal.AddDays(-days);
            start = ToInstant(startLocal, zone);
        }

        return (start, ToInstant(startLocal.AddDays(days), zone));
    }

    /// <summary>The first instant whose wall-clock time in <paramref name="zone"/> is at or after <paramref name="local"/>.</summary>
    internal static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);

        // Spring forward: the wall time never happens; the period starts when the clock jumps past it.
        // Rare (once per period roll), so a minute-by-minute walk is simpler than decoding adjustment rules.
        for (var i = 0; i < 2 * 24 * 60 && zone.IsInvalidTime(local); i++)
        {
            local = local.AddMinutes(1);
        }

        if (zone.IsAmbiguousTime(local))
        {
            // Fall back: the larger offset is the earlier of the two instants.
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var largest = offsets.Max();
            return new DateTimeOffset(local, largest);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
