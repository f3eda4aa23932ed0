using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// Usage reports and series shared by the Control API and the CLI. In the server, pending usage
/// events are flushed first (briefly) so a request that just finished is already counted.
/// </summary>
internal sealed partial class UsageService(IUsageStore store, ISnapshotSource snapshots, TimeProvider time, UsageRecorder? recorder = null)
{
    /// <summary>Most buckets one series may have: 83 days of hours, 5 years of days.</summary>
    public const int MaxBuckets = 2000;

    /// <summary>Buckets a series covers when 'from' is absent: a day of hours, or 30 days.</summary>
    private const int DefaultHours = 24;
    private const int DefaultDays = 30;

    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);

    // Beyond these the bucket arithmetic would leave DateTimeOffset's range; no usage lives there anyway.
    private static readonly DateTimeOffset EarliestSeriesStart = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestSeriesEnd = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<Outcome<UsageReport>> QueryAsync(UsageReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var range = UsageRange.Parse(request.From, request.To);
        if (range.Error is { } rangeError)
        {
            return rangeError;
        }

        var grouping = UsageRange.ParseGrouping(request.GroupBy);
        if (grouping.Error is { } groupingError)
        {
            return groupingError;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);

        var (start, end) = range.Value;
        var only = grouping.Value;
        var filter = request.Filter;
        var snapshot = snapshots.Current;
        var total = await store.SumAsync(filter, start, end, cancellationToken).ConfigureAwait(false);

        async Task<IReadOnlyList<UsageRow>?> ListAsync(UsageGrouping by, Func<string, string?> name)
        {
            if (only is { } wanted && wanted != by)
            {
                return null;
            }

            var rows = await store.QueryTotalsAsync(new UsageQuery(start, end, by, filter), cancellationToken).ConfigureAwait(false);
            var ordered = by == UsageGrouping.Day ? rows.OrderBy(r => r.Group, StringComparer.Ordinal) : ByCost(rows);
            return [.. ordered.Select(r => UsageRow.From(r, name(r.Group)))];
        }

        return new UsageReport(
            start,
            end,
            UsageTotal.From(total),
            await ListAsync(UsageGrouping.Key, id => KeyName(snapshot, id)).ConfigureAwait(false),
            await ListAsync(UsageGrouping.Account, id => AccountName(snapshot, id)).ConfigureAwait(false),
            await ListAsync(UsageGrouping.Model, _ => null).ConfigureAwait(false),
            await ListAsync(UsageGrouping.Group, id => GroupName(snapshot, id)).ConfigureAwait(false),
            await ListAsync(UsageGrouping.Day, _ => null).ConfigureAwait(false));
    }

    public async Task<Outcome<UsageSeriesReport>> SeriesAsync(UsageSeriesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bucket = UsageSeriesParameters.ParseBucket(request.Bucket);
        if (bucket.Error is { } bucketError)
        {
            return bucketError;
        }

        var zone = UsageSeriesParameters.ParseTimeZone(request.Tz);
        if (zone.Error is { } zoneError)
        {
            return zoneError;
        }

        var split = UsageSeriesParameters.ParseSplit(request.By);
        if (split.Error is { } splitError)
        {
            return splitError;
        }

        var range = UsageRange.Parse(request.From, request.To, zone.Value);
        if (range.Error is { } rangeError)
        {
            return rangeError;
        }

        var to = range.Value.To ?? time.GetUtcNow();
        var from = range.Value.From ?? DefaultFrom(to, bucket.Value, zone.Value!);
        if (from >= to)
        {
            return ControlError.Invalid("Parameter 'from' must be earlier than 'to'.");
        }

        if (from < EarliestSeriesStart || to > LatestSeriesEnd)
        {
            return ControlError.Invalid("A series must lie between 1970-01-01 and 9000-01-01.");
        }

        var buckets = UsageBuckets.TryList(from, to, bucket.Value, zone.Value!, MaxBuckets);
        if (buckets is null)
        {
            return ControlError.Invalid(
                $"The series would have more than {MaxBuckets} buckets; narrow 'from' and 'to'" + (bucket.Value == UsageBucket.Hour ? " or use bucket=day." : "."));
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var query = new UsageSeriesQuery(from, to, bucket.Value, zone.Value!, split.Value, request.Filter);
        var points = await store.QuerySeriesAsync(query, cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Current;
        Func<string, string?> name = split.Value switch
        {
            UsageGrouping.Key => id => KeyName(snapshot, id),
            UsageGrouping.Account => id => AccountName(snapshot, id),
            UsageGrouping.Group => id => GroupName(snapshot, id),
            _ => _ => null,
        };

        return new UsageSeriesReport(
            TimeZoneInfo.ConvertTime(from, zone.Value!),
            TimeZoneInfo.ConvertTime(to, zone.Value!),
            bucket.Value,
            zone.Value!.Id,
            split.Value,
            UsageSeriesBuilder.Build(buckets, points, split.Value is not null, name));
    }

    /// <summary>Rows by cost, then requests, then group value: the biggest spenders first.</summary>
    public static IOrderedEnumerable<UsageTotals> ByCost(IEnumerable<UsageTotals> rows) =>
        rows.OrderByDescending(r => r.Cost).ThenByDescending(r => r.Requests).ThenBy(r => r.Group, StringComparer.Ordinal);

    /// <summary>So that the default series ends with the bucket holding 'to' and has a whole first bucket.</summary>
    private static DateTimeOffset DefaultFrom(DateTimeOffset to, UsageBucket bucket, TimeZoneInfo zone)
    {
        var last = UsageBuckets.StartOf(to.AddTicks(-1), bucket, zone);
        return UsageBuckets.Add(last, -((bucket == UsageBucket.Hour ? DefaultHours : DefaultDays) - 1), bucket, zone);
    }

    /// <summary>Keys are indexed by hash in the snapshot; a linear scan is fine for a report.</summary>
    private static string? KeyName(RelaySnapshot snapshot, string keyId) =>
        snapshot.KeysById.GetValueOrDefault(keyId)?.Name;

    private static string? GroupName(RelaySnapshot snapshot, string groupId) =>
        snapshot.Groups.GetValueOrDefault(groupId)?.Name;

    private static string? AccountName(RelaySnapshot snapshot, string accountId) =>
        snapshot.AccountsById.GetValueOrDefault(accountId)?.Name;

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (recorder is null)
        {
            return;
        }

        // The store is slow or busy: report what is written so far rather than hang the caller.
        await recorder.TryFlushAsync(FlushWait, cancellationToken).ConfigureAwait(false);
    }
}
