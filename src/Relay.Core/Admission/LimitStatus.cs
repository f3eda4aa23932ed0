using Relay.Core.Limits;
using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Core.Admission;

/// <summary>
/// Where one rule stands now: how much is used and left, and when it next resets (calendar windows) — what a
/// key holder or an operator wants to see. <see cref="Source"/> says whether the rule is the key's own
/// ("key"), from its shared policy ("policy"), or the account's ("account").
/// </summary>
public sealed record LimitStatus(
    string Meter,
    string? Window,
    decimal Max,
    decimal Used,
    decimal Remaining,
    DateTimeOffset? ResetsAt,
    string Source,
    LimitQueueSpec? Queue = null)
{
    /// <summary>The status of every rule on a key: its own first, then its shared policy's.</summary>
    public static IReadOnlyList<LimitStatus> ForKey(IHotState state, RelaySnapshot snapshot, KeyEntry key, DateTimeOffset now)
    {
        var list = new List<LimitStatus>(key.Limits.Count);
        for (var i = 0; i < key.Limits.Count; i++)
        {
            list.Add(Of(state, snapshot, key.Scope, key.Limits[i], i < key.Record.Limits.Count ? "key" : "policy", now));
        }

        return list;
    }

    public static IReadOnlyList<LimitStatus> ForAccount(IHotState state, RelaySnapshot snapshot, AccountEntry account, DateTimeOffset now) =>
        [.. account.Record.Limits.Select(rule => Of(state, snapshot, account.Scope, rule, "account", now))];

    private static LimitStatus Of(IHotState state, RelaySnapshot snapshot, string scope, LimitRule rule, string source, DateTimeOffset now)
    {
        var spec = LimitRuleSpec.From(rule);
        if (rule.Meter == LimitMeter.Concurrency)
        {
            var inFlight = state.GetSlotsInFlight(scope);
            return new LimitStatus(spec.Meter, null, rule.Max, inFlight, Math.Max(0, rule.Max - inFlight), null, source, spec.Queue);
        }

        var used = state.GetLimitUsage(scope, rule.Meter, rule.Window, snapshot.Calendar, now);
        DateTimeOffset? resets = rule.Window.Kind is LimitWindowKind.Day or LimitWindowKind.Week
            ? WindowMath.CalendarPeriod(rule.Window.Kind, now, snapshot.Calendar).End
            : null;
        return new LimitStatus(spec.Meter, spec.Window, rule.Max, used, Math.Max(0, rule.Max - used), resets, source);
    }
}
