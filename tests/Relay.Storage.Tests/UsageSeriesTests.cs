using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Storage.Tests;

/// <summary>Time series: hour buckets, and calendar days of a time zone, including daylight-saving days of 23 and 25 hours.</summary>
public sealed class UsageSeriesTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    private static UsageEvent Event(string utc, long input, string key = "key_a") => new()
    {
        Timestamp = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture),
        KeyId = key,
        Platform = "anthropic",
        Tokens = new TokenUsage(input, 0, 0, 0, 0),
        Status = 200,
    };

    private static DateTimeOffset Local(TimeZoneInfo zone, int year, int month, int day) =>
        new(new DateTime(year, month, day), zone.GetUtcOffset(new DateTime(year, month, day)));

    [Fact]
    public async Task Day_buckets_follow_berlin_across_the_spring_change_a_23_hour_day()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event("2026-03-28T22:59:59.999Z", 1), // 23:59:59.999 CET on the 28th
            Event("2026-03-28T23:00:00.000Z", 2), // 00:00 CET on the 29th
            Event("2026-03-29T21:59:59.999Z", 4), // 23:59:59.999 CEST on the 29th
            Event("2026-03-29T22:00:00.000Z", 8), // 00:00 CEST on the 30th
        ]);

        var points = await db.Usage.QuerySeriesAsync(new UsageSeriesQuery(
            Local(Berlin, 2026, 3, 28), Local(Berlin, 2026, 3, 31), UsageBucket.Day, Berlin));

        Assert.Equal(
            [("2026-03-28T00:00:00+01:00", 1L), ("2026-03-29T00:00:00+01:00", 2L | 4L), ("2026-03-30T00:00:00+02:00", 8L)],
            points.Select(p => (p.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), p.Totals.InputTokens)));
    }

    [Fact]
    public async Task Day_buckets_follow_berlin_across_the_autumn_change_a_25_hour_day()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event("2026-10-24T21:59:59.999Z", 1), // 23:59:59.999 CEST on the 24th
            Event("2026-10-24T22:00:00.000Z", 2), // 00:00 CEST on the 25th
            Event("2026-10-25T00:30:00.000Z", 4), // 02:30 CEST, the first of the repeated hour
            Event("2026-10-25T01:30:00.000Z", 8), // 02:30 CET, the second
            Event("2026-10-25T22:59:59.999Z", 16), // 23:59:59.999 CET on the 25th
            Event("2026-10-25T23:00:00.000Z", 32), // 00:00 CET on the 26th
        ]);

        var points = await db.Usage.QuerySeriesAsync(new UsageSeriesQuery(
            Local(Berlin, 2026, 10, 24), Local(Berlin, 2026, 10, 27), UsageBucket.Day, Berlin));

        Assert.Equal(
            [("2026-10-24T00:00:00+02:00", 1L), ("2026-10-25T00:00:00+02:00", 2L | 4L | 8L | 16L), ("2026-10-26T00:00:00+01:00", 32L)],
            points.Select(p => (p.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), p.Totals.InputTokens)));
    }

    [Fact]
    public async Task Day_buckets_in_a_half_hour_zone_cut_the_hour_at_local_midnight()
    {
        using var db = await TempDatabase.CreateAsync();

        // Kolkata is UTC+05:30: its midnight is 18:30 UTC, in the middle of a rollup hour.
        await db.Usage.AppendAsync(
        [
            Event("2026-03-01T18:00:00.000Z", 1),
            Event("2026-03-01T18:29:59.999Z", 2),
            Event("2026-03-01T18:30:00.000Z", 4),
            Event("2026-03-01T18:59:59.999Z", 8),
            Event("2026-03-02T10:00:00.000Z", 16),
        ]);

        var points = await db.Usage.QuerySeriesAsync(new UsageSeriesQuery(
            Local(Kolkata, 2026, 3, 1), Local(Kolkata, 2026, 3, 3), UsageBucket.Day, Kolkata));

        Assert.Equal(
            [("2026-03-01T00:00:00+05:30", 1L | 2L), ("2026-03-02T00:00:00+05:30", 4L | 8L | 16L)],
            points.Select(p => (p.Start.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture), p.Totals.InputTokens)));
    }

    [Fact]
    public async Task Hour_buckets_split_by_key_clip_the_edges_to_the_range()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event("2026-03-01T10:10:00Z", 1, "key_a"),
            Event("2026-03-01T10:40:00Z", 2, "key_a"),
            Event("2026-03-01T10:50:00Z", 4, "key_b"),
            Event("2026-03-01T12:20:00Z", 8, "key_b"),
            Event("2026-03-01T12:40:00Z", 16, "key_b"),
        ]);

        var points = await db.Usage.QuerySeriesAsync(new UsageSeriesQuery(
            DateTimeOffset.Parse("2026-03-01T10:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse("2026-03-01T12:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            UsageBucket.Hour,
            TimeZoneInfo.Utc,
            SplitBy: UsageGrouping.Key));

        // The 10:00 bucket counts only from 10:30, the 12:00 bucket only until 12:30; 11:00 is empty and absent.
        Assert.Equal(
            [(10, "key_a", 2L), (10, "key_b", 4L), (12, "key_b", 8L)],
            points.Select(p => (p.Start.Hour, p.Totals.Group, p.Totals.InputTokens)));
    }

    [Fact]
    public async Task Random_series_match_local_calendar_days_and_utc_hours()
    {
        using var db = await TempDatabase.CreateAsync();
        var random = new Random(777);
        var start = new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero);
        var events = new List<UsageEvent>();
        for (var batch = 0; batch < 20; batch++)
        {
            var next = UsageReference.RandomEvents(random, random.Next(1, 400), start, TimeSpan.FromDays(5));
            events.AddRange(next);
            await db.Usage.AppendAsync(next);
        }

        var adelaide = TimeZoneInfo.FindSystemTimeZoneById("Australia/Adelaide"); // +10:30 / +09:30, changes on 5 April 2026
        foreach (var (zone, bucket) in new[] { (Berlin, UsageBucket.Day), (Kolkata, UsageBucket.Day), (adelaide, UsageBucket.Day), (TimeZoneInfo.Utc, UsageBucket.Hour) })
        {
            for (var i = 0; i < 5; i++)
            {
                var from = start.AddMinutes(random.Next(-600, 3 * 24 * 60));
                var to = from.AddMinutes(random.Next(1, 4 * 24 * 60));
                var split = random.Next(2) == 0 ? (UsageGrouping?)UsageGrouping.Account : null;
                var points = await db.Usage.QuerySeriesAsync(new UsageSeriesQuery(from, to, bucket, zone, split));

                // Independent of the store's bucket arithmetic: the event's wall-clock date (or UTC hour) names its bucket.
                string BucketOf(DateTimeOffset at) => bucket == UsageBucket.Day
                    ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                    : at.UtcDateTime.ToString("yyyy-MM-ddTHH", System.Globalization.CultureInfo.InvariantCulture);
                var expected = events.Where(e => e.Timestamp >= from && e.Timestamp < to)
                    .GroupBy(e => (Bucket: BucketOf(e.Timestamp), Group: UsageReference.GroupOf(e, split)))
                    .OrderBy(g => g.Key.Bucket, StringComparer.Ordinal).ThenBy(g => g.Key.Group, StringComparer.Ordinal)
                    .Select(g => (g.Key.Bucket, UsageReference.Sum(g.Key.Group, g)))
                    .ToList();

                Assert.Equal(expected, points.Select(p => (BucketOf(p.Start), p.Totals)));
            }
        }
    }
}
