using Relay.Core.Accounts;
using Relay.Core.Pricing;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Protocols.RateLimits;

namespace Relay.Core.Tests.Scheduling;

/// <summary>Inside a priority tier, subscription accounts share load by the headroom left in their usage windows.</summary>
public sealed class SubscriptionSchedulingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly AccountFilter Messages = new(WireShapes.Messages, []);
    private static readonly string[] NoneTried = [];

    private readonly InProcessHotState _state = new();
    private readonly AccountScheduler _scheduler;

    public SubscriptionSchedulingTests() => _scheduler = new AccountScheduler(_state);

    private static AccountEntry Account(string id, int priority = 50, int weight = 1) =>
        new(new AccountRecord { Id = id, Name = id, SecretCiphertext = [], Priority = priority, Weight = weight }, "secret-" + id, null);

    private static RelaySnapshot Snapshot(params AccountEntry[] accounts) => new(1, accounts, [], PriceBook.Shipped);

    /// <summary>The account answered with these windows (5h resets in 2 hours, 7d in 3 days unless given).</summary>
    private void Reports(string id, double fiveHour, double? sevenDay = null, DateTimeOffset? fiveHourReset = null)
    {
        List<UsageWindow> windows = [new("5h", fiveHour, fiveHourReset ?? Now.AddHours(2), "allowed")];
        if (sevenDay is { } weekly)
        {
            windows.Add(new("7d", weekly, Now.AddDays(3), "allowed"));
        }

        _state.ReportUsageWindows(id, new UsageWindowReport { Family = UsageWindowFamily.Anthropic, Windows = windows }, Now.AddMinutes(-1));
    }

    private AccountSelection Select(RelaySnapshot snapshot, string? session = null, DateTimeOffset? at = null) =>
        _scheduler.Select(snapshot, snapshot.SharedPool, Messages, "claude-sonnet-4-5", session, NoneTried, UsageEstimate.None, at ?? Now);

    /// <summary>Sequential requests (each finished before the next): how many each account served.</summary>
    private Dictionary<string, int> Serve(RelaySnapshot snapshot, int requests)
    {
        var served = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            var id = Select(snapshot).Account!.Id;
            served[id] = served.GetValueOrDefault(id) + 1;
            _state.Release(id);
        }

        return served;
    }

    [Fact]
    public void The_least_used_account_takes_every_request_while_the_others_are_further_ahead()
    {
        var snapshot = Snapshot(Account("a"), Account("b"), Account("c"));
        Reports("a", 0.60);
        Reports("b", 0.20);
        Reports("c", 0.40);

        Assert.Equal(new Dictionary<string, int> { ["b"] = 50 }, Serve(snapshot, 50));
    }

    [Fact]
    public void An_account_is_as_used_as_its_fullest_window()
    {
        // a's 5-hour window is nearly empty but its week is 90 % gone; b is half used in both.
        var snapshot = Snapshot(Account("a"), Account("b"));
        Reports("a", 0.10, sevenDay: 0.90);
        Reports("b", 0.50, sevenDay: 0.50);

        Assert.Equal(new Dictionary<string, int> { ["b"] = 20 }, Serve(snapshot, 20));
    }

    [Fact]
    public void A_window_whose_reset_has_passed_counts_as_empty()
    {
        // a's 5-hour window was 95 % full but reset a minute ago; its week is at 30 %, below b's 40 %.
        var snapshot = Snapshot(Account("a"), Account("b"));
        Reports("a", 0.95, sevenDay: 0.30, fiveHourReset: Now.AddMinutes(-1));
        Reports("b", 0.40);

        Assert.Equal(new Dictionary<string, int> { ["a"] = 20 }, Serve(snapshot, 20));
    }

    [Fact]
    public void An_account_that_never_reported_counts_as_unused_so_it_learns_its_windows()
    {
        var snapshot = Snapshot(Account("known"), Account("new"));
        Reports("known", 0.30);

        Assert.Equal("new", Select(snapshot).Account?.Id);
    }

    [Fact]
    public void A_burst_overflows_from_the_least_used_account_instead_of_landing_on_it_whole()
    {
        // Nothing is released: all 30 are in flight at once, before any answer could update the windows.
        var snapshot = Snapshot(Account("a"), Account("b"), Account("c"));
        Reports("a", 0.10);
        Reports("b", 0.30);
        Reports("c", 0.30);

        var picks = Enumerable.Range(0, 30).Select(_ => Select(snapshot).Account!.Id).ToList();

        // 20 points ahead is worth 8 requests in flight (2 points each, within the 5-point band)...
        Assert.All(picks.Take(8), id => Assert.Equal("a", id));

        // ...after which the three share: a chosen account is never more than band + one request (7 points) above the
        // lowest, so with 30 in flight a holds 15–20 and b and c 5–10 each.
        var counts = picks.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(counts["a"], 15, 20);
        Assert.InRange(counts.GetValueOrDefault("b"), 5, 10);
        Assert.InRange(counts.GetValueOrDefault("c"), 5, 10);
    }

    [Fact]
    public void A_burst_on_equally_used_accounts_spreads_evenly()
    {
        var snapshot = Snapshot(Account("a"), Account("b"), Account("c"));
        Reports("a", 0.50);
        Reports("b", 0.50);
        Reports("c", 0.50);

        var counts = Enumerable.Range(0, 30).Select(_ => Select(snapshot).Account!.Id).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        // Never more than band + one request (7 points, 3 requests) apart.
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 8, 13));
    }

    [Fact]
    public void Accounts_within_five_points_share_by_weight()
    {
        var snapshot = Snapshot(Account("heavy", weight: 3), Account("light", weight: 1));
        Reports("heavy", 0.23);
        Reports("light", 0.20);

        var served = Serve(snapshot, 4000);

        Assert.InRange(served["heavy"] / 4000d, 0.70, 0.80);
    }

    [Fact]
    public void A_lower_priority_number_still_wins_over_more_headroom()
    {
        var snapshot = Snapshot(Account("main", priority: 1), Account("backup", priority: 2));
        Reports("main", 0.90);
        Reports("backup", 0.05);

        Assert.Equal(new Dictionary<string, int> { ["main"] = 20 }, Serve(snapshot, 20));
    }

    [Fact]
    public void Cooling_and_failed_accounts_are_skipped_however_empty_their_windows()
    {
        var snapshot = Snapshot(Account("cooling"), Account("failed"), Account("busy-but-fine"));
        Reports("cooling", 0.00);
        Reports("failed", 0.10);
        Reports("busy-but-fine", 0.80);
        _state.ReportFailure("cooling", FailureKind.RateLimited, null, "5-hour usage window exhausted", Now, 429, until: Now.AddHours(1));
        _state.ReportFailure("failed", FailureKind.AuthRejected, null, "401", Now, 401);

        Assert.Equal(new Dictionary<string, int> { ["busy-but-fine"] = 20 }, Serve(snapshot, 20));
    }

    [Fact]
    public void A_conversation_stays_on_its_healthy_account_though_another_has_more_headroom()
    {
        var snapshot = Snapshot(Account("mine"), Account("emptier"));
        Reports("mine", 0.80);
        Reports("emptier", 0.05);
        _state.SetSticky("conversation", "mine", TimeSpan.FromHours(1), Now);

        var pick = Select(snapshot, "conversation");
        Assert.Equal("mine", pick.Account?.Id);
        Assert.True(pick.Sticky);
        _state.Release("mine");

        // Its account cools (the window ran out): the conversation moves to the one with headroom.
        _state.ReportFailure("mine", FailureKind.RateLimited, null, "5-hour usage window exhausted", Now, 429, until: Now.AddHours(1));
        pick = Select(snapshot, "conversation");
        Assert.Equal("emptier", pick.Account?.Id);
        Assert.False(pick.Sticky);
    }

    [Fact]
    public void Choosing_from_a_pool_without_usage_windows_allocates_nothing()
    {
        var snapshot = Snapshot(Account("a"), Account("b"), Account("c"), Account("d", priority: 60));
        Assert.NotNull(Select(snapshot).Account);
        _state.Release(Select(snapshot).Account!.Id);

        // The smallest of a few rounds, so a tier-up of the JIT landing in one round cannot fail the test.
        var allocated = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                _state.Release(Select(snapshot).Account!.Id);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }
}
