using Relay.Core.State;

namespace Relay.Core.Tests.State;

public sealed class InProcessHotStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Concurrency_limit_is_never_exceeded_under_contention()
    {
        var state = new InProcessHotState();
        var admitted = 0;
        Parallel.For(0, 200, _ =>
        {
            if (state.TryAcquire("a", 3, Now))
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(3, admitted);
        Assert.Equal(3, state.GetStatus("a", Now).InFlight);
        state.Release("a");
        Assert.True(state.TryAcquire("a", 3, Now));
    }

    [Fact]
    public void Rate_limit_cools_until_the_upstream_hint_and_then_recovers_without_probe()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.RateLimited, TimeSpan.FromSeconds(30), "upstream answered 429", Now);

        var status = state.GetStatus("a", Now);
        Assert.Equal(AccountHealth.Cooling, status.Health);
        Assert.Equal(Now.AddSeconds(30), status.Until);
        Assert.False(state.TryAcquire("a", 0, Now.AddSeconds(29)));

        // After the window two requests may go at once: a 429 is not a sign of a broken account.
        Assert.True(state.TryAcquire("a", 0, Now.AddSeconds(31)));
        Assert.True(state.TryAcquire("a", 0, Now.AddSeconds(31)));
    }

    [Fact]
    public void Server_errors_back_off_exponentially_then_allow_a_single_probe()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.Overloaded, null, "529", Now);
        Assert.Equal(Now.AddSeconds(1), state.GetStatus("a", Now).Until);

        state.ReportFailure("a", FailureKind.Overloaded, null, "529", Now);
        Assert.Equal(Now.AddSeconds(2), state.GetStatus("a", Now).Until);

        var later = Now.AddSeconds(3);
        Assert.True(state.TryAcquire("a", 0, later));
        Assert.False(state.TryAcquire("a", 0, later)); // half-open: one probe at a time

        state.ReportSuccess("a");
        state.Release("a");
        Assert.True(state.TryAcquire("a", 0, later));
        Assert.True(state.TryAcquire("a", 0, later));
    }

    [Fact]
    public void Backoff_is_capped_at_sixty_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), CoolingPolicy.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(32), CoolingPolicy.Backoff(6));
        Assert.Equal(TimeSpan.FromSeconds(60), CoolingPolicy.Backoff(7));
        Assert.Equal(TimeSpan.FromSeconds(60), CoolingPolicy.Backoff(50));
    }

    [Fact]
    public void A_probe_released_without_verdict_does_not_hold_the_breaker_shut()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.ServerError, null, "500", Now);
        var later = Now.AddSeconds(5);
        Assert.True(state.TryAcquire("a", 0, later));
        state.Release("a"); // client went away
        Assert.True(state.TryAcquire("a", 0, later));
    }

    [Fact]
    public void Auth_rejection_is_an_error_until_reset()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.AuthRejected, null, "upstream answered 401 authentication_error", Now);

        var status = state.GetStatus("a", Now.AddDays(1));
        Assert.Equal(AccountHealth.Error, status.Health);
        Assert.Contains("401", status.Reason);
        Assert.False(state.TryAcquire("a", 0, Now.AddDays(1)));

        state.Reset("a");
        Assert.Equal(AccountHealth.Active, state.GetStatus("a", Now).Health);
        Assert.True(state.TryAcquire("a", 0, Now));
    }

    [Fact]
    public void The_last_error_outlives_recovery_until_a_reset_and_is_kept_short()
    {
        var state = new InProcessHotState();
        Assert.Null(state.GetStatus("a", Now).LastError);

        state.ReportFailure("a", FailureKind.ServerError, null, "upstream answered 500 api_error", Now, 500, "Internal server error");
        state.ReportFailure("a", FailureKind.Network, null, "upstream unreachable (ConnectionError)", Now.AddSeconds(1));
        var last = state.GetStatus("a", Now).LastError!;
        Assert.Equal((Now.AddSeconds(1), 0, "upstream unreachable (ConnectionError)"), (last.At, last.Status, last.Message));

        state.ReportSuccess("a");
        Assert.Equal(AccountHealth.Active, state.GetStatus("a", Now.AddMinutes(5)).Health);
        Assert.Same(last, state.GetStatus("a", Now.AddMinutes(5)).LastError);

        state.ReportFailure("a", FailureKind.RateLimited, null, "429", Now, 429, new string('x', 1000));
        Assert.Equal(AccountError.MaxMessageLength, state.GetStatus("a", Now).LastError!.Message.Length);

        state.Reset("a");
        Assert.Null(state.GetStatus("a", Now).LastError);
    }

    [Fact]
    public void A_success_ends_a_credential_error()
    {
        var state = new InProcessHotState();
        state.ReportFailure("a", FailureKind.AuthRejected, null, "upstream answered 401 authentication_error", Now, 401, "invalid x-api-key");
        Assert.Equal(AccountHealth.Error, state.GetStatus("a", Now).Health);

        state.ReportSuccess("a");
        var status = state.GetStatus("a", Now);
        Assert.Equal(AccountHealth.Active, status.Health);
        Assert.Equal(401, status.LastError!.Status);
    }

    [Fact]
    public void Sticky_sessions_expire()
    {
        var state = new InProcessHotState();
        state.SetSticky("s1", "a", TimeSpan.FromMinutes(5), Now);
        Assert.Equal("a", state.GetSticky("s1", Now.AddMinutes(4)));
        Assert.Null(state.GetSticky("s1", Now.AddMinutes(6)));
    }

    [Fact]
    public void Sticky_map_stays_bounded()
    {
        var state = new InProcessHotState(maxStickySessions: 100);
        for (var i = 0; i < 1000; i++)
        {
            state.SetSticky($"s{i}", "a", TimeSpan.FromMinutes(5), Now);
        }

        var remembered = Enumerable.Range(0, 1000).Count(i => state.GetSticky($"s{i}", Now) is not null);
        Assert.True(remembered <= 100, $"{remembered} sessions remembered");

        // Once the old ones expire, new ones are remembered again.
        state.SetSticky("fresh", "b", TimeSpan.FromMinutes(5), Now.AddMinutes(10));
        Assert.Equal("b", state.GetSticky("fresh", Now.AddMinutes(10)));
    }
}
