using System.Globalization;
using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Storage.Tests;

/// <summary>
/// The straightforward answer, computed in memory from the events themselves: what the store's
/// rollup-based reads must agree with exactly.
/// </summary>
internal static class UsageReference
{
    public static string GroupOf(UsageEvent e, UsageGrouping? grouping) => grouping switch
    {
        null => "",
        UsageGrouping.Key => e.KeyId,
        UsageGrouping.Account => e.AccountId ?? "",
        UsageGrouping.Model => e.UpstreamModel ?? e.RequestedModel ?? "",
        UsageGrouping.Group => e.GroupId ?? "",
        UsageGrouping.Day => e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        UsageGrouping.Hour => e.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:00:00Z", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(grouping)),
    };

    public static bool Matches(UsageEvent e, UsageFilter? filter, DateTimeOffset? from, DateTimeOffset? to) =>
        (from is null || e.Timestamp >= from)
        && (to is null || e.Timestamp < to)
        && (filter?.KeyId is null || e.KeyId == filter.KeyId)
        && (filter?.AccountId is null || (e.AccountId ?? "") == filter.AccountId)
        && (filter?.GroupId is null || (e.GroupId ?? "") == filter.GroupId)
        && (filter?.Model is null || (e.UpstreamModel ?? e.RequestedModel ?? "") == filter.Model);

    public static UsageTotals Sum(string group, IEnumerable<UsageEvent> events)
    {
        var list = events.ToList();
        return new UsageTotals
        {
            Group = group,
            Requests = list.Count,
            Errors = list.Count(e => e.Status >= 400),
            InputTokens = list.Sum(e => e.Tokens.Input),
            OutputTokens = list.Sum(e => e.Tokens.Output),
            CacheWrite5mTokens = list.Sum(e => e.Tokens.CacheWrite5m),
            CacheWrite1hTokens = list.Sum(e => e.Tokens.CacheWrite1h),
            CacheReadTokens = list.Sum(e => e.Tokens.CacheRead),
            Cost = list.Sum(e => e.Cost),
        };
    }

    public static List<UsageTotals> Totals(IEnumerable<UsageEvent> events, UsageQuery query) =>
        [.. events.Where(e => Matches(e, query.Filter, query.From, query.To))
            .GroupBy(e => GroupOf(e, query.GroupBy))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Sum(g.Key, g))];

    /// <summary>
    /// Random events between <paramref name="start"/> and <paramref name="start"/> + <paramref name="span"/>;
    /// about one in eight sits exactly on an hour boundary or 1 ms before one. Costs are whole nano-USD,
    /// the stored resolution, so sums compare exactly.
    /// </summary>
    public static List<UsageEvent> RandomEvents(Random random, int count, DateTimeOffset start, TimeSpan span)
    {
        var events = new List<UsageEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var at = start.AddMilliseconds(random.NextInt64((long)span.TotalMilliseconds));
            switch (random.Next(16))
            {
                case 0:
                    at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
                    break;
                case 1:
                    at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero).AddMilliseconds(-1);
                    break;
            }

            events.Add(new UsageEvent
            {
                Timestamp = at,
                KeyId = $"key_{random.Next(4)}",
                AccountId = random.Next(5) == 0 ? null : $"acc_{random.Next(3)}",
                GroupId = random.Next(3) == 0 ? null : $"grp_{random.Next(2)}",
                Platform = "anthropic",
                RequestedModel = random.Next(6) == 0 ? null : $"req-{random.Next(2)}",
                UpstreamModel = random.Next(2) == 0 ? null : $"up-{random.Next(2)}",
                Tokens = new TokenUsage(random.Next(10_000), random.Next(2_000), random.Next(50), random.Next(50), random.Next(5_000)),
                Cost = random.Next(5_000_000) / 1_000_000_000m,
                Status = random.Next(8) switch { 0 => 429, 1 => 500, 2 => 400, _ => 200 },
                LatencyMs = random.Next(5_000),
            });
        }

        return events;
    }
}
