using Relay.Core.Limits;
using Relay.Core.State;

namespace Relay.Core.Tests.Limits;

public sealed class EvictionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly LimitRule PerMinute = new(LimitMeter.Requests, LimitWindow.Sliding(TimeSpan.FromSeconds(60)), 5);

    [Fact]
    public void Ten_thousand_scopes_are_dropped_once_their_usage_has_expired()
    {
        var state = new InProcessHotState();
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(state.TryReserve([new LimitCharge($"key:{i}", PerMinute, 1)], CalendarSettings.Utc, Now).Admitted);
        }

        Assert.Equal(10_000, state.LimitScopeCount);

        // Still inside the window: dropping them would forget usage that counts.
        Assert.Equal(0, state.SweepLimits(Now.AddSeconds(30)));
        Assert.Equal(10_000, state.LimitScopeCount);

        Assert.Equal(10_000, state.SweepLimits(Now.AddSeconds(62)));
        Assert.Equal(0, state.LimitScopeCount);
    }

    [Fact]
    public void Sweeps_run_by_themselves_under_pressure()
    {
        var state = new InProcessHotState(TimeProvider.System, limitScopesSoftCapacity: 1_000);
        for (var i = 0; i < 5_000; i++)
        {
            state.TryReserve([new LimitCharge($"key:{i}", PerMinute, 1)], CalendarSettings.Utc, Now);
        }

        state.TryReserve([new LimitCharge("key:late", PerMinute, 1)], CalendarSettings.Utc, Now.AddMinutes(2));

        Assert.Equal(1, state.LimitScopeCount);
    }

    [Fact]
    public void Scopes_holding_slots_or_unexpired_budgets_are_kept()
    {
        var state = new InProcessHotState();
        Assert.True(state.TryAcquireSlot("key:busy", 1));
        state.AddLimitUsage("key:spent", LimitMeter.Cost, LimitWindow.Total, 1m, CalendarSettings.Utc, Now);
        state.AddLimitUsage("key:today", LimitMeter.Cost, LimitWindow.Day, 1m, CalendarSettings.Utc, Now);
        Assert.True(state.TryAcquireSlot("key:done", 1));
        state.ReleaseSlot("key:done");

        Assert.Equal(1, state.SweepLimits(Now));
        Assert.Equal(3, state.LimitScopeCount);

        // After midnight the daily budget no longer counts.
        Assert.Equal(1, state.SweepLimits(Now.AddDays(1)));
        Assert.Equal(1m, state.GetLimitUsage("key:spent", LimitMeter.Cost, LimitWindow.Total, CalendarSettings.Utc, Now.AddDays(1)));
    }
}
