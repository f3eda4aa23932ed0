using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// Usage reports shared by the Control API and the CLI. In the server, pending usage events are
/// flushed first (briefly) so a request that just finished is already counted.
/// </summary>
internal sealed class UsageService(IUsageStore store, ISnapshotSource snapshots, UsageRecorder? recorder = null)
{
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);

    public async Task<Outcome<UsageReport>> QueryAsync(string? from, string? to, string? groupBy, CancellationToken cancellationToken)
    {
        var range = UsageRange.Parse(from, to);
        if (range.Error is { } rangeError)
        {
            return rangeError;
        }

        var grouping = UsageRange.ParseGrouping(groupBy);
        if (grouping.Error is { } groupingError)
        {
            return groupingError;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);

        var (start, end) = range.Value;
        var only = grouping.Value;

        // Totals come from the per-day breakdown: every event has a day, while key, account or model may be missing.
        var byDay = await QueryAsync(start, end, UsageGrouping.Day, cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Current;
        return new UsageReport(
            start,
            end,
            UsageTotal.Sum(byDay),
            await ListAsync(only, UsageGrouping.Key, start, end, id => KeyName(snapshot, id), cancellationToken).ConfigureAwait(false),
            await ListAsync(only, UsageGrouping.Account, start, end, id => snapshot.AccountsById.GetValueOrDefault(id)?.Name, cancellationToken).ConfigureAwait(false),
            await ListAsync(only, UsageGrouping.Model, start, end, _ => null, cancellationToken).ConfigureAwait(false),
            only is null or UsageGrouping.Day ? [.. byDay.OrderBy(r => r.Group, StringComparer.Ordinal).Select(r => UsageRow.From(r, null))] : null);
    }

    private async Task<IReadOnlyList<UsageRow>?> ListAsync(
        UsageGrouping? only,
        UsageGrouping grouping,
        DateTimeOffset? start,
        DateTimeOffset? end,
        Func<string, string?> name,
        CancellationToken cancellationToken)
    {
        if (only is { } wanted && wanted != grouping)
        {
            return null;
        }

        var rows = await QueryAsync(start, end, grouping, cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderByDescending(r => r.Cost).ThenByDescending(r => r.Requests).ThenBy(r => r.Group, StringComparer.Ordinal)
            .Select(r => UsageRow.From(r, name(r.Group)))];
    }

    private Task<IReadOnlyList<UsageTotals>> QueryAsync(DateTimeOffset? start, DateTimeOffset? end, UsageGrouping grouping, CancellationToken cancellationToken) =>
        store.QueryTotalsAsync(new UsageQuery(start, end, grouping), cancellationToken);

    /// <summary>Keys are indexed by hash in the snapshot; a linear scan is fine for a report.</summary>
    private static string? KeyName(RelaySnapshot snapshot, string keyId) =>
        snapshot.KeysByHash.Values.FirstOrDefault(k => k.Id == keyId)?.Name;

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (recorder is null)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FlushWait);
        try
        {
            await recorder.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The store is slow or busy: report what is written so far rather than hang the caller.
        }
    }
}
