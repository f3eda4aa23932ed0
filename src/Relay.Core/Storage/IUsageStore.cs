using Relay.Core.Usage;

namespace Relay.Core.Storage;

/// <summary>
/// Append-only store of usage events plus the aggregate reads the Control API and the limit counters
/// need. Every read is exact for any [from, to) (from inclusive, to exclusive; null = unbounded).
/// </summary>
public interface IUsageStore
{
    /// <summary>
    /// Writes a batch in one transaction, together with the hourly rollups the reads use and the logged content
    /// (<see cref="UsageEvent.Content"/>, encrypted) of the events that carry it.
    /// </summary>
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

    /// <summary>The logged request and response of one event (decrypted); null when the event or its content does not exist.</summary>
    Task<UsageContent?> GetContentAsync(long eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes at most <paramref name="batchSize"/> content rows of events older than <paramref name="cutoff"/>, oldest
    /// first, in one short transaction; returns how many it deleted (less than the batch size: nothing older is left).
    /// </summary>
    Task<int> DeleteContentBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>Deletes all logged content (the events stay), in short batches so usage writes are not held up; returns how many rows went.</summary>
    Task<long> DeleteAllContentAsync(CancellationToken cancellationToken = default);
}
