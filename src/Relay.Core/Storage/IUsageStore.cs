using Relay.Core.Usage;

namespace Relay.Core.Storage;

/// <summary>
/// Append-only store of usage events plus the aggregate reads the Control API and the limit counters
/// need. Every read is exact for any [from, to) (from inclusive, to exclusive; null = unbounded).
/// </summary>
public interface IUsageStore
{
    /// <summary>Writes a batch in one transaction, together with the hourly rollups the reads use.</summary>
    Task AppendAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default);

    /// <summary>One row per group value with any usage, ordered by group value.</summary>
    Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default);

    /// <summary>The buckets (and split values) that have usage, ordered by start then group value; empty buckets are absent.</summary>
    Task<IReadOnlyList<UsageSeriesPoint>> QuerySeriesAsync(UsageSeriesQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Everything matching <paramref name="filter"/> in [from, to), summed (<c>Group</c> is <c>""</c>).
    /// Cheap enough to seed limit counters per key and per account at startup.
    /// </summary>
    Task<UsageTotals> SumAsync(UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of individual events, newest first (by time, then id), for the event log. Keyset-paged through
    /// <see cref="UsageEventQuery.Before"/>, so reading deep pages costs the same as the first.
    /// </summary>
    Task<IReadOnlyList<StoredUsageEvent>> ListEventsAsync(UsageEventQuery query, CancellationToken cancellationToken = default);
}
