namespace Relay.Core.Usage;

/// <summary>
/// Bucket width of a usage time series: whole UTC hours (in every zone whose offset is a whole number
/// of hours these are also local hours), or calendar days of the series' time zone (23 or 25 hours
/// long on daylight-saving changes).
/// </summary>
public enum UsageBucket { Hour, Day }

/// <summary>
/// Usage over [<see cref="From"/>, <see cref="To"/>) per bucket, optionally split by one dimension.
/// <see cref="TimeZone"/> sets where days begin and the offset bucket starts are written with.
/// </summary>
public sealed record UsageSeriesQuery(
    DateTimeOffset From,
    DateTimeOffset To,
    UsageBucket Bucket,
    TimeZoneInfo TimeZone,
    UsageGrouping? SplitBy = null,
    UsageFilter? Filter = null);

/// <summary>
/// The sums of one bucket (for one split value when the series is split; <c>Totals.Group</c> is
/// <c>""</c> otherwise). <see cref="Start"/> is the bucket's natural start in the series' zone, which
/// for the first bucket may lie before the query's From: edge buckets count only what is inside the range.
/// </summary>
public sealed record UsageSeriesPoint(DateTimeOffset Start, UsageTotals Totals);
