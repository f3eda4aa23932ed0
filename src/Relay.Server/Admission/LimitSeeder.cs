using Relay.Core.Limits;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Server.Admission;

/// <summary>
/// Fills daily, weekly and total limit counters from the usage store before a snapshot that carries their rules
/// goes live: at start (so a restart does not hand everyone a fresh budget) and when an operator adds such a
/// rule (so "$50 in total" counts what the key has already spent). Each (scope, meter, window) is seeded once per
/// process; after that the counters keep themselves current. Sliding windows are not seeded: they are rates, and
/// after a restart they start empty (see docs/policies-and-limits.md).
/// </summary>
internal sealed class LimitSeeder(IUsageStore usage, IHotState state, UsageRecorder recorder, TimeProvider time) : ISnapshotPreparer
{
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(2);
    private readonly HashSet<(string Scope, LimitMeter Meter, LimitWindow Window)> _seeded = [];

    public async Task PrepareAsync(RelaySnapshot snapshot, CancellationToken cancellationToken)
    {
        var todo = new List<(string Scope, string Id, bool IsKey, LimitRule Rule)>();
        foreach (var key in snapshot.KeysById.Values)
        {
            Collect(todo, key.Scope, key.Id, isKey: true, key.WindowRules);
        }

        foreach (var account in snapshot.Accounts)
        {
            Collect(todo, account.Scope, account.Id, isKey: false, account.WindowRules);
        }

        if (todo.Count == 0)
        {
            return;
        }

        // Requests that finished a moment ago are still in the recorder's queue; they belong in the sums.
        await recorder.TryFlushAsync(FlushWait, cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        foreach (var (scope, id, isKey, rule) in todo)
        {
            DateTimeOffset? from = rule.Window.Kind == LimitWindowKind.Total
                ? null
                : WindowMath.CalendarPeriod(rule.Window.Kind, now, snapshot.Calendar).Start;
            var filter = isKey ? new UsageFilter(KeyId: id) : new UsageFilter(AccountId: id);

            // Served from the hourly rollup: one cheap query per new rule, off the request path.
            var totals = await usage.SumAsync(filter, from, null, cancellationToken).ConfigureAwait(false);
            decimal amount = rule.Meter switch
            {
                LimitMeter.Requests => totals.Requests,
                LimitMeter.Tokens => totals.TotalTokens,
                _ => totals.Cost,
            };
            if (amount > 0)
            {
                state.AddLimitUsage(scope, rule.Meter, rule.Window, amount, snapshot.Calendar, now);
            }

            _seeded.Add((scope, rule.Meter, rule.Window));
        }
    }

    private void Collect(List<(string, string, bool, LimitRule)> todo, string scope, string id, bool isKey, LimitRule[] rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Window.Kind is LimitWindowKind.Day or LimitWindowKind.Week or LimitWindowKind.Total
                && !_seeded.Contains((scope, rule.Meter, rule.Window))
                && !todo.Exists(t => t.Item1 == scope && t.Item4.Meter == rule.Meter && t.Item4.Window == rule.Window))
            {
                todo.Add((scope, id, isKey, rule));
            }
        }
    }
}
