using Relay.Core.Accounts;
using Relay.Core.Pricing;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Core.Tests.Scheduling;

public sealed class AccountSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static AccountEntry Account(string id, int priority = 50, int weight = 1, int maxConcurrency = 0, bool enabled = true,
        string[]? models = null, Dictionary<string, string>? map = null) =>
        new(new AccountRecord
        {
            Id = id,
            Name = id,
            SecretCiphertext = [],
            Priority = priority,
            Weight = weight,
            MaxConcurrency = maxConcurrency,
            Enabled = enabled,
            Models = models ?? [],
            ModelMap = map ?? [],
        }, "secret-" + id, null);

    /// <summary>Claude Code's shape, no platform restriction: every Anthropic account qualifies.</summary>
    private static readonly AccountFilter Messages = new(WireShapes.Messages, []);

    private static RelaySnapshot Snapshot(params AccountEntry[] accounts) => new(1, accounts, [], PriceBook.Shipped);

    [Fact]
    public void Lower_priority_number_wins_while_it_is_available()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("backup", priority: 10), Account("main", priority: 1));

        for (var i = 0; i < 20; i++)
        {
            var pick = scheduler.Select(snapshot, snapshot.SharedPool, Messages, "claude-sonnet-4-5", null, [], UsageEstimate.None, Now);
            Assert.Equal("main", pick.Account?.Id);
            state.Release("main");
        }

        state.ReportFailure("main", FailureKind.RateLimited, TimeSpan.FromSeconds(30), "429", Now);
        Assert.Equal("backup", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "claude-sonnet-4-5", null, [], UsageEstimate.None, Now).Account?.Id);
    }

    [Fact]
    public void Weight_splits_an_idle_tier()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("heavy", weight: 3), Account("light", weight: 1));

        var heavy = 0;
        for (var i = 0; i < 4000; i++)
        {
            var pick = scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, [], UsageEstimate.None, Now).Account!;
            heavy += pick.Id == "heavy" ? 1 : 0;
            state.Release(pick.Id);
        }

        Assert.InRange(heavy / 4000d, 0.70, 0.80);
    }

    [Fact]
    public void Accounts_at_their_concurrency_limit_are_skipped()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("a", priority: 1, maxConcurrency: 1), Account("b", priority: 2));

        Assert.Equal("a", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, [], UsageEstimate.None, Now).Account?.Id);
        Assert.Equal("b", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, [], UsageEstimate.None, Now).Account?.Id);
    }

    [Fact]
    public void Sticky_session_keeps_its_account_even_when_another_has_higher_priority()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("a", priority: 1), Account("b", priority: 2));
        state.SetSticky("conv", "b", TimeSpan.FromHours(1), Now);

        var pick = scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", "conv", [], UsageEstimate.None, Now);
        Assert.Equal("b", pick.Account?.Id);
        Assert.True(pick.Sticky);
    }

    [Fact]
    public void Sticky_account_that_is_cooling_is_left_for_a_healthy_one()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("a", priority: 1), Account("b", priority: 2));
        state.SetSticky("conv", "b", TimeSpan.FromHours(1), Now);
        state.ReportFailure("b", FailureKind.Overloaded, null, "529", Now);

        Assert.Equal("a", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", "conv", [], UsageEstimate.None, Now).Account?.Id);
    }

    [Fact]
    public void Model_rules_decide_which_accounts_serve_a_model()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(
            Account("haiku-only", priority: 1, models: ["claude-*-haiku-*", "claude-haiku-*"]),
            Account("mapped", priority: 2, models: ["none"], map: new() { ["my-alias"] = "claude-opus-4-5" }));

        Assert.Equal("haiku-only", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "claude-haiku-4-5", null, [], UsageEstimate.None, Now).Account?.Id);
        Assert.Equal("mapped", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "my-alias", null, [], UsageEstimate.None, Now).Account?.Id);

        var none = scheduler.Select(snapshot, snapshot.SharedPool, Messages, "claude-opus-4-5", null, [], UsageEstimate.None, Now);
        Assert.Null(none.Account);
        Assert.Equal(NoAccountReason.ModelNotServed, none.Reason);
    }

    [Fact]
    public void When_everything_is_cooling_the_retry_estimate_is_the_earliest_recovery()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("a"), Account("b"));
        state.ReportFailure("a", FailureKind.RateLimited, TimeSpan.FromSeconds(40), "429", Now);
        state.ReportFailure("b", FailureKind.RateLimited, TimeSpan.FromSeconds(12), "429", Now);

        var none = scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, [], UsageEstimate.None, Now);
        Assert.Null(none.Account);
        Assert.Equal(NoAccountReason.AllBusyOrCooling, none.Reason);
        Assert.Equal(TimeSpan.FromSeconds(12), none.RetryAfter);
        Assert.Equal(FailureKind.RateLimited, none.Recovery.Kind);
    }

    [Fact]
    public void Disabled_accounts_and_tried_accounts_are_not_chosen()
    {
        var state = new InProcessHotState();
        var scheduler = new AccountScheduler(state);
        var snapshot = Snapshot(Account("off", priority: 1, enabled: false), Account("a", priority: 2), Account("b", priority: 3));

        Assert.Equal("b", scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, ["a"], UsageEstimate.None, Now).Account?.Id);
        Assert.Equal(NoAccountReason.AllTried, scheduler.Select(snapshot, snapshot.SharedPool, Messages, "m", null, ["a", "b"], UsageEstimate.None, Now).Reason);
    }
}
