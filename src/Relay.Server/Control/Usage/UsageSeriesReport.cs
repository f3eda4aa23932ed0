using System.Text.Json.Serialization;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// The answer of <c>GET /api/usage/series</c>. Times are written with the offset of
/// <see cref="TimeZone"/>; <see cref="By"/> is always written (null = not split). Unsplit, there is
/// exactly one series; split, one per group value that has usage, ordered by cost, then requests.
/// Every series has a point for every bucket, zeros included, so charts line up.
/// </summary>
internal sealed record UsageSeriesReport(
    DateTimeOffset From,
    DateTimeOffset To,
    UsageBucket Bucket,
    string TimeZone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] UsageGrouping? By,
    IReadOnlyList<UsageSeries> Series);

/// <summary>One line of the chart; <see cref="Group"/> (and the key's or account's current <see cref="Name"/>) only when split.</summary>
internal sealed record UsageSeries(string? Group, string? Name, IReadOnlyList<UsagePoint> Points);

/// <summary>The sums of one bucket; <see cref="Start"/> is the bucket's start (edge buckets count only what is inside [from, to)).</summary>
internal sealed record UsagePoint(
    DateTimeOffset Start,
    long Requests,
    long Errors,
    long InputTokens,
    long OutputTokens,
    long CacheWrite5mTokens,
    long CacheWrite1hTokens,
    long CacheReadTokens,
    decimal Cost)
{
    public static UsagePoint From(DateTimeOffset start, UsageTotals? totals) => totals is null
        ? new(start, 0, 0, 0, 0, 0, 0, 0, 0m)
        : new(start, totals.Requests, totals.Errors, totals.InputTokens, totals.OutputTokens,
            totals.CacheWrite5mTokens, totals.CacheWrite1hTokens, totals.CacheReadTokens, totals.Cost);
}
