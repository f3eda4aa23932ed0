using Relay.Core.State;
using Relay.Protocols.RateLimits;

namespace Relay.Core.Tests.State;

public sealed class UsageWindowStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static UsageWindowReport Report(double utilization) => new()
    {
        Family = UsageWindowFamily.Anthropic,
        Windows = [new UsageWindow("5h", utilization, Now.AddHours(2), "allowed")],
    };

    [Fact]
    public void The_latest_report_wins_and_survives_a_reset()
    {
        var state = new InProcessHotState();
        Assert.Null(state.GetUsageWindows("a"));

        state.ReportUsageWindows("a", Report(0.2), Now);
        state.ReportUsageWindows("a", Report(0.3), Now.AddSeconds(5));
        state.ReportUsageWindows("a", Report(0.1), Now.AddSeconds(1));

        var seen = state.GetUsageWindows("a")!;
        Assert.Equal(0.3, seen.Report.Windows[0].Utilization);
        Assert.Equal(Now.AddSeconds(5), seen.ObservedAt);

        state.Reset("a");
        Assert.NotNull(state.GetUsageWindows("a"));
        Assert.Null(state.GetUsageWindows("b"));
    }

    [Fact]
    public void A_rate_limit_with_a_window_reset_cools_until_it_beyond_the_generic_cap_but_not_past_eight_days()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.RateLimited, TimeSpan.FromDays(2), "7-day usage window exhausted", Now, 429, until: Now.AddDays(2));
        Assert.Equal(Now.AddDays(2), state.GetStatus("a", Now).Until);
        Assert.True(state.TryAcquire("a", 0, Now.AddDays(2).AddSeconds(1)));

        state.ReportFailure("b", FailureKind.RateLimited, null, "bogus", Now, 429, until: Now.AddDays(300));
        Assert.Equal(Now + CoolingPolicy.MaxUsageWindowCooldown, state.GetStatus("b", Now).Until);

        state.ReportFailure("c", FailureKind.RateLimited, null, "past", Now, 429, until: Now.AddMinutes(-1));
        Assert.Equal(Now.AddSeconds(1), state.GetStatus("c", Now).Until);
    }
}
