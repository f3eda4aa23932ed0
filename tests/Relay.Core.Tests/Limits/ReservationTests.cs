using Relay.Core.Limits;
using Relay.Core.State;

namespace Relay.Core.Tests.Limits;

public sealed class ReservationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly CalendarSettings Utc = CalendarSettings.Utc;

    private static LimitRule Rule(string meter, string window, decimal max)
    {
        Assert.True(LimitRule.TryCreate(meter, window, max, null, null, out var rule, out var error), error);
        return rule!;
    }

    [Fact]
    public void Two_hundred_parallel_requests_against_fifty_admit_exactly_fifty()
    {
        var state = new InProcessHotState();
        var perMinute = Rule("requests", "60s", 50);
        var admitted = 0;
        using var start = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 200).Select(_ => new Thread(() =>
        {
            start.Wait();
            if (state.TryReserve([new LimitCharge("key:k", perMinute, 1)], Utc, Now).Admitted)
            {
                Interlocked.Increment(ref admitted);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        start.Set();
        threads.ForEach(t => t.Join());

        Assert.Equal(50, admitted);
        Assert.Equal(50, state.GetLimitUsage("key:k", LimitMeter.Requests, perMinute.Window, Utc, Now));
    }

    [Fact]
    public void Parallel_reservations_over_key_and_account_are_all_or_nothing()
    {
        var state = new InProcessHotState();
        var keyRule = Rule("requests", "60s", 50);
        var accountRule = Rule("requests", "60s", 30);
        var admitted = 0;
        Parallel.For(0, 200, i =>
        {
            // Two keys share one account: the account's 30 binds, and no key is charged for a refusal.
            var key = i % 2 == 0 ? "key:a" : "key:b";
            if (state.TryReserve([new LimitCharge(key, keyRule, 1), new LimitCharge("account:x", accountRule, 1)], Utc, Now).Admitted)
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(30, admitted);
        var keys = state.GetLimitUsage("key:a", LimitMeter.Requests, keyRule.Window, Utc, Now)
            + state.GetLimitUsage("key:b", LimitMeter.Requests, keyRule.Window, Utc, Now);
        Assert.Equal(30, keys);
    }

    [Fact]
    public void Refusal_names_the_binding_rule_and_charges_nothing()
    {
        var state = new InProcessHotState();
        var requests = Rule("requests", "60s", 100);
        var daily = Rule("cost", "1d", 1m);
        var total = Rule("cost", "total", 10m);
        state.AddLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Day, 1m, Utc, Now);

        var result = state.TryReserve(
            [new LimitCharge("key:k", requests, 1), new LimitCharge("key:k", daily, 0.5m), new LimitCharge("key:k", total, 0.5m)], Utc, Now);

        Assert.False(result.Admitted);
        Assert.Equal(1, result.FailedChargeIndex);
        Assert.Equal(TimeSpan.FromHours(12), result.RetryAfter); // UTC midnight
        Assert.Null(result.Handle);
        Assert.Equal(0, state.GetLimitUsage("key:k", LimitMeter.Requests, requests.Window, Utc, Now));
        Assert.Equal(0, state.GetLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Total, Utc, Now));
    }

    [Fact]
    public void Tokens_are_reserved_then_settled_to_the_real_count()
    {
        var state = new InProcessHotState();
        var tokens = Rule("tokens", "5h", 10_000);

        var first = state.TryReserve([new LimitCharge("key:k", tokens, 4_000)], Utc, Now);
        var second = state.TryReserve([new LimitCharge("key:k", tokens, 4_000)], Utc, Now);
        Assert.True(first.Admitted && second.Admitted);
        Assert.False(state.TryReserve([new LimitCharge("key:k", tokens, 4_000)], Utc, Now).Admitted);

        // The first request used far less than estimated: the difference is free again.
        state.Settle(first.Handle!, actualTokens: 1_200, actualCost: 0, Utc, Now.AddSeconds(5));
        Assert.Equal(5_200, state.GetLimitUsage("key:k", LimitMeter.Tokens, tokens.Window, Utc, Now.AddSeconds(5)));
        Assert.True(state.TryReserve([new LimitCharge("key:k", tokens, 4_000)], Utc, Now.AddSeconds(5)).Admitted);

        // The second used more: settling may go over the max, and the next request waits.
        state.Settle(second.Handle!, actualTokens: 6_000, actualCost: 0, Utc, Now.AddSeconds(6));
        Assert.Equal(11_200, state.GetLimitUsage("key:k", LimitMeter.Tokens, tokens.Window, Utc, Now.AddSeconds(6)));
        Assert.False(state.TryReserve([new LimitCharge("key:k", tokens, 1)], Utc, Now.AddSeconds(6)).Admitted);
    }

    [Fact]
    public void Cost_is_refunded_on_failure_once_and_requests_stay_counted()
    {
        var state = new InProcessHotState();
        var requests = Rule("requests", "60s", 10);
        var cost = Rule("cost", "1w", 5m);

        var result = state.TryReserve([new LimitCharge("key:k", requests, 1), new LimitCharge("key:k", cost, 0.75m)], Utc, Now);
        Assert.True(result.Admitted);
        Assert.Equal(0.75m, state.GetLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Week, Utc, Now));

        state.Refund(result.Handle!);
        state.Refund(result.Handle!);
        state.Settle(result.Handle!, 100, 100m, Utc, Now); // closed: no effect

        Assert.True(result.Handle!.IsClosed);
        Assert.Equal(0m, state.GetLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Week, Utc, Now));
        Assert.Equal(1, state.GetLimitUsage("key:k", LimitMeter.Requests, requests.Window, Utc, Now));

        var again = state.TryReserve([new LimitCharge("key:k", requests, 1)], Utc, Now);
        state.Refund(again.Handle!, includeRequests: true);
        Assert.Equal(1, state.GetLimitUsage("key:k", LimitMeter.Requests, requests.Window, Utc, Now));
    }

    [Fact]
    public void Cost_settles_into_the_current_period_even_if_reserved_in_the_previous_one()
    {
        var state = new InProcessHotState();
        var daily = Rule("cost", "1d", 5m);
        var beforeMidnight = new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero);
        var result = state.TryReserve([new LimitCharge("key:k", daily, 1m)], Utc, beforeMidnight);

        state.Settle(result.Handle!, 0, 2m, Utc, beforeMidnight.AddMinutes(2));

        Assert.Equal(2m, state.GetLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Day, Utc, beforeMidnight.AddMinutes(2)));
    }

    [Fact]
    public void A_spent_budget_refuses_even_requests_without_an_estimate()
    {
        var state = new InProcessHotState();
        var total = Rule("cost", "total", 3m);
        state.AddLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Total, 2.99m, Utc, Now);
        Assert.True(state.TryReserve([new LimitCharge("key:k", total, 0)], Utc, Now).Admitted);

        state.AddLimitUsage("key:k", LimitMeter.Cost, LimitWindow.Total, 0.01m, Utc, Now);
        var refused = state.TryReserve([new LimitCharge("key:k", total, 0)], Utc, Now);
        Assert.False(refused.Admitted);
        Assert.Null(refused.RetryAfter); // a total cap never frees up
    }

    [Fact]
    public void An_amount_above_the_max_can_never_fit()
    {
        var state = new InProcessHotState();
        var result = state.TryReserve([new LimitCharge("key:k", Rule("tokens", "60s", 100), 101)], Utc, Now);
        Assert.False(result.Admitted);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public void Sliding_window_retry_after_is_when_enough_usage_expires()
    {
        var state = new InProcessHotState();
        var rule = Rule("requests", "60s", 10);
        var charge = new[] { new LimitCharge("key:k", rule, 1) };
        for (var i = 0; i < 4; i++)
        {
            Assert.True(state.TryReserve(charge, Utc, Now).Admitted);
        }

        for (var i = 0; i < 6; i++)
        {
            Assert.True(state.TryReserve(charge, Utc, Now.AddSeconds(10)).Admitted);
        }

        // The 4 from 12:00:00 stop counting once their one-second sub-bucket is 60 s old: at 12:01:01.
        var refused = state.TryReserve(charge, Utc, Now.AddSeconds(20));
        Assert.False(refused.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(41), refused.RetryAfter);

        Assert.False(state.TryReserve(charge, Utc, Now.AddSeconds(60.5)).Admitted);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(state.TryReserve(charge, Utc, Now.AddSeconds(61)).Admitted);
        }

        var next = state.TryReserve(charge, Utc, Now.AddSeconds(61));
        Assert.False(next.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(10), next.RetryAfter); // the 6 from 12:00:10 go at 12:01:11
    }

    [Fact]
    public void Retry_after_covers_the_slowest_of_several_refusing_rules()
    {
        var state = new InProcessHotState();
        var minute = Rule("requests", "60s", 1);
        var fiveHours = Rule("requests", "5h", 1);
        Assert.True(state.TryReserve([new LimitCharge("key:k", minute, 1), new LimitCharge("key:k", fiveHours, 1)], Utc, Now).Admitted);

        var refused = state.TryReserve([new LimitCharge("key:k", minute, 1), new LimitCharge("key:k", fiveHours, 1)], Utc, Now);
        Assert.Equal(1, refused.FailedChargeIndex);
        Assert.Equal(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(5), refused.RetryAfter);
    }

    [Fact]
    public void Daily_cap_resets_at_midnight_in_the_operators_zone()
    {
        var state = new InProcessHotState();
        var tokyo = new CalendarSettings(TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        var daily = Rule("cost", "1d", 5m);
        var evening = new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero); // 23:30 in Tokyo

        Assert.True(state.TryReserve([new LimitCharge("key:k", daily, 5m)], tokyo, evening).Admitted);
        var refused = state.TryReserve([new LimitCharge("key:k", daily, 0.01m)], tokyo, evening);
        Assert.Equal(TimeSpan.FromMinutes(30), refused.RetryAfter);

        // 15:00 UTC is midnight in Tokyo, long before midnight UTC.
        Assert.True(state.TryReserve([new LimitCharge("key:k", daily, 5m)], tokyo, evening.AddMinutes(30)).Admitted);
    }

    [Fact]
    public void Rules_sharing_meter_and_window_share_one_counter()
    {
        var state = new InProcessHotState();
        var loose = Rule("requests", "60s", 10);
        var tight = Rule("requests", "60s", 2);
        LimitCharge[] charges = [new("key:k", loose, 1), new("key:k", tight, 1)];

        Assert.True(state.TryReserve(charges, Utc, Now).Admitted);
        Assert.True(state.TryReserve(charges, Utc, Now).Admitted);
        Assert.Equal(2, state.GetLimitUsage("key:k", LimitMeter.Requests, loose.Window, Utc, Now));
        Assert.Equal(1, state.TryReserve(charges, Utc, Now).FailedChargeIndex);
    }

    [Fact]
    public void Concurrency_rules_are_not_reservations()
    {
        var state = new InProcessHotState();
        var slots = new LimitRule(LimitMeter.Concurrency, LimitWindow.None, 3);
        Assert.Throws<ArgumentException>(() => state.TryReserve([new LimitCharge("key:k", slots, 1)], Utc, Now));
    }
}
