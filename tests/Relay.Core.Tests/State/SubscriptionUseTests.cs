using Relay.Core.State;
using Relay.Protocols.RateLimits;

namespace Relay.Core.Tests.State;

public sealed class SubscriptionUseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static UsageWindowReport Report(params UsageWindow[] windows) => new() { Family = UsageWindowFamily.Codex, Windows = windows };

    [Fact]
    public void Use_is_the_fullest_window_not_yet_reset()
    {
        var use = SubscriptionUse.Of(Report(new UsageWindow("5h", 0.7, Now.AddHours(1), null), new UsageWindow("7d", 0.4, Now.AddDays(2), null)), Now);

        Assert.Equal(0.7, use.At(Now));
        Assert.Equal(0.4, use.At(Now.AddHours(1)));
        Assert.Equal(0, use.At(Now.AddDays(2)));
    }

    [Fact]
    public void A_window_without_a_reset_counts_for_one_window_length_and_one_without_utilization_not_at_all()
    {
        var use = SubscriptionUse.Of(Report(new UsageWindow("5h", 0.6, null, null), new UsageWindow("7d", null, Now.AddDays(1), null), new UsageWindow("weird", 0.9, null, null)), Now);

        Assert.Equal(0.6, use.At(Now.AddHours(4)));
        Assert.Equal(0, use.At(Now.AddHours(5)));
    }

    [Fact]
    public void Load_reads_requests_in_flight_and_the_use_only_for_accounts_that_reported()
    {
        var state = new InProcessHotState();
        Assert.Equal(new AccountLoad(0, null), state.GetLoad("unknown", Now));

        Assert.True(state.TryAcquire("key", 0, Now));
        Assert.Equal(new AccountLoad(1, null), state.GetLoad("key", Now));

        state.ReportUsageWindows("sub", Report(new UsageWindow("5h", 0.35, Now.AddHours(1), null)), Now);
        Assert.Equal(new AccountLoad(0, 0.35), state.GetLoad("sub", Now));
        Assert.Equal(new AccountLoad(0, 0), state.GetLoad("sub", Now.AddHours(2)));
    }
}
