using Relay.Core.Admission;
using Relay.Core.Limits;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Core.Usage;
using Relay.Server.Admission;

namespace Relay.Server.SelfService;

/// <summary>Builds a key holder's view of their own key from the snapshot, the hot state and the usage store.</summary>
internal sealed class MeService(IHotState state, IUsageStore usage, UsageRecorder recorder, KeyFirstUse firstUse, TimeProvider time)
{
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);

    public async Task<MeView> DescribeAsync(RelaySnapshot snapshot, KeyEntry key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = key.Record;
        var first = firstUse.Get(key);
        var policy = key.Policy;
        var expires = record.ExpiresAt is null && record.ExpiresAfterFirstUse is null
            ? null
            : new MeExpiry(record.ExpiresAt, record.ExpiresAfterFirstUse is { } span ? Control.Keys.ExpiryText.Format(span) : null);

        var view = new MeView(
            new MeKey(record.Id, record.Name, record.Prefix, record.Enabled, record.CreatedAt, first, key.ExpiresAt(first), expires),
            new MePolicy(
                key.SharedPolicy?.Name,
                policy.Platforms,
                new MeModelRules(policy.Models.Allow, policy.Models.Deny),
                policy.Clients,
                policy.Group is { } g && snapshot.Groups.TryGetValue(g, out var group) ? group.Name : policy.Group,
                policy.Account is not null,
                policy.FallbackToPool),
            [.. ReachableModels.For(snapshot, key).Select(m => m.Id)],
            LimitStatus.ForKey(state, snapshot, key, now),
            await UsageAsync(snapshot, key, now, cancellationToken).ConfigureAwait(false));
        return view;
    }

    private async Task<MeUsage> UsageAsync(RelaySnapshot snapshot, KeyEntry key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A request that just finished is still in the recorder's queue; the holder expects to see it.
        await recorder.TryFlushAsync(FlushWait, cancellationToken).ConfigureAwait(false);

        var today = WindowMath.CalendarPeriod(LimitWindowKind.Day, now, snapshot.Calendar).Start;
        var week = WindowMath.CalendarPeriod(LimitWindowKind.Week, now, snapshot.Calendar).Start;
        return new MeUsage(
            await SumAsync(key.Id, today, cancellationToken).ConfigureAwait(false),
            await SumAsync(key.Id, week, cancellationToken).ConfigureAwait(false),
            await SumAsync(key.Id, now.AddDays(-30), cancellationToken).ConfigureAwait(false),
            await SumAsync(key.Id, null, cancellationToken).ConfigureAwait(false));
    }

    private async Task<MeTotals> SumAsync(string keyId, DateTimeOffset? from, CancellationToken cancellationToken)
    {
        return MeTotals.From(await usage.SumAsync(new UsageFilter(KeyId: keyId), from, null, cancellationToken).ConfigureAwait(false));
    }
}
