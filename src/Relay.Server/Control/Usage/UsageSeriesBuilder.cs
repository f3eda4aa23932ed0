using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>Turns the store's sparse points into dense lines: one point per bucket in every line, zeros where nothing happened.</summary>
internal static class UsageSeriesBuilder
{
    public static IReadOnlyList<UsageSeries> Build(
        IReadOnlyList<UsageBucketSpan> buckets,
        IReadOnlyList<UsageSeriesPoint> points,
        bool split,
        Func<string, string?> name)
    {
        // Bucket starts are matched by instant (UtcTicks), whatever offset they were written with.
        var index = new Dictionary<long, int>(buckets.Count);
        for (var i = 0; i < buckets.Count; i++)
        {
            index[buckets[i].Start.UtcTicks] = i;
        }

        var byGroup = new Dictionary<string, UsageTotals?[]>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            if (!byGroup.TryGetValue(point.Totals.Group, out var line))
            {
                byGroup[point.Totals.Group] = line = new UsageTotals?[buckets.Count];
            }

            line[index[point.Start.UtcTicks]] = point.Totals;
        }

        if (!split)
        {
            var only = byGroup.GetValueOrDefault("") ?? new UsageTotals?[buckets.Count];
            return [new UsageSeries(null, null, Dense(buckets, only))];
        }

        // Lines in the order of their totals over the whole range, like the report's lists.
        var totals = byGroup.Select(pair => Sum(pair.Key, pair.Value));
        return [.. UsageService.ByCost(totals).Select(t => new UsageSeries(t.Group, name(t.Group), Dense(buckets, byGroup[t.Group])))];
    }

    private static UsagePoint[] Dense(IReadOnlyList<UsageBucketSpan> buckets, UsageTotals?[] line)
    {
        var dense = new UsagePoint[buckets.Count];
        for (var i = 0; i < dense.Length; i++)
        {
            dense[i] = UsagePoint.From(buckets[i].Start, line[i]);
        }

        return dense;
    }

    private static UsageTotals Sum(string group, UsageTotals?[] line) => new()
    {
        Group = group,
        Requests = line.Sum(t => t?.Requests ?? 0),
        Cost = line.Sum(t => t?.Cost ?? 0m),
    };
}
