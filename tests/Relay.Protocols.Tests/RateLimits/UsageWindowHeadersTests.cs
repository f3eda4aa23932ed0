using Relay.Protocols.RateLimits;

namespace Relay.Protocols.Tests.RateLimits;

public sealed class UsageWindowHeadersTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

    private static KeyValuePair<string, string?>[] H(params (string Name, string? Value)[] headers) =>
        headers.Select(h => new KeyValuePair<string, string?>(h.Name, h.Value)).ToArray();

    [Fact]
    public void Anthropic_success_headers_give_both_windows_shortest_first()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("anthropic-ratelimit-unified-status", "allowed"),
            ("anthropic-ratelimit-unified-reset", "1764018000"),
            ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
            ("anthropic-ratelimit-unified-7d-utilization", "0.43"),
            ("anthropic-ratelimit-unified-7d-reset", "1764500000"),
            ("anthropic-ratelimit-unified-7d-status", "allowed"),
            ("Anthropic-Ratelimit-Unified-5h-Utilization", "0.21"),
            ("anthropic-ratelimit-unified-5h-reset", "1764018000"),
            ("anthropic-ratelimit-unified-5h-status", "allowed"),
            ("anthropic-ratelimit-unified-fallback-percentage", "0.5"),
            ("anthropic-ratelimit-unified-overage-status", "rejected"),
            ("anthropic-ratelimit-unified-overage-reset", "1764100000"),
            ("content-type", "application/json")), Now)!;

        Assert.Equal(UsageWindowFamily.Anthropic, report.Family);
        Assert.Equal(
            [
                new UsageWindow("5h", 0.21, DateTimeOffset.FromUnixTimeSeconds(1_764_018_000), "allowed"),
                new UsageWindow("7d", 0.43, DateTimeOffset.FromUnixTimeSeconds(1_764_500_000), "allowed"),
            ],
            report.Windows);
        Assert.Equal("allowed", report.Status);
        Assert.Equal("five_hour", report.RepresentativeClaim);
        Assert.Equal("rejected", report.OverageStatus);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_764_100_000), report.OverageReset);
        Assert.Null(report.Exhausted(Now));
    }

    [Fact]
    public void Anthropic_429_names_the_rejected_window_with_the_latest_future_reset()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("anthropic-ratelimit-unified-status", "rejected"),
            ("anthropic-ratelimit-unified-reset", "1764000090"),
            ("anthropic-ratelimit-unified-representative-claim", "five_hour"),
            ("anthropic-ratelimit-unified-5h-utilization", "1.02"),
            ("anthropic-ratelimit-unified-5h-reset", "1764000090"),
            ("anthropic-ratelimit-unified-5h-status", "rejected"),
            ("anthropic-ratelimit-unified-7d-utilization", "0.64"),
            ("anthropic-ratelimit-unified-7d-reset", "1764400000"),
            ("anthropic-ratelimit-unified-7d-status", "allowed_warning"),
            ("anthropic-ratelimit-unified-7d_oi-utilization", "1.0"),
            ("anthropic-ratelimit-unified-7d_oi-reset", "1763000000"),
            ("anthropic-ratelimit-unified-7d_oi-status", "rejected")), Now)!;

        Assert.Equal(1.02, report.Windows[0].Utilization);
        Assert.Equal(["5h", "7d", "7d_oi"], report.Windows.Select(w => w.Window));

        // 7d_oi is rejected too, but its reset is already past: the 5h window is what holds the account.
        Assert.Equal(new UsageExhaustion("5h", DateTimeOffset.FromUnixTimeSeconds(1_764_000_090)), report.Exhausted(Now));
    }

    [Fact]
    public void Anthropic_overall_rejection_without_window_status_uses_the_overall_reset_and_the_claim()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("anthropic-ratelimit-unified-status", "rejected"),
            ("anthropic-ratelimit-unified-reset", "1764003600"),
            ("anthropic-ratelimit-unified-representative-claim", "seven_day")), Now)!;

        Assert.Empty(report.Windows);
        Assert.Equal(new UsageExhaustion("7d", DateTimeOffset.FromUnixTimeSeconds(1_764_003_600)), report.Exhausted(Now));
    }

    [Fact]
    public void Anthropic_garbage_values_are_ignored_and_never_throw()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("anthropic-ratelimit-unified-status", "<script>"),
            ("anthropic-ratelimit-unified-reset", "soon"),
            ("anthropic-ratelimit-unified-5h-utilization", "NaN"),
            ("anthropic-ratelimit-unified-5h-reset", "-5"),
            ("anthropic-ratelimit-unified-5h-status", ""),
            ("anthropic-ratelimit-unified-7d-utilization", "abc"),
            ("anthropic-ratelimit-unified-7d-reset", "1764400000"),
            ("anthropic-ratelimit-unified-5H-bogus", "1"),
            ("anthropic-ratelimit-unified-five_hour-utilization", "0.3"),
            ("anthropic-ratelimit-unified-5x-utilization", "0.3"),
            ("anthropic-ratelimit-unified-5h_-utilization", "0.3"),
            ("anthropic-ratelimit-unified-", "x"),
            ("anthropic-ratelimit-unified-utilization", "0.3"),
            ("anthropic-ratelimit-unified-1e99-reset", "1e400")), Now)!;

        var only = Assert.Single(report.Windows);
        Assert.Equal(new UsageWindow("7d", null, DateTimeOffset.FromUnixTimeSeconds(1_764_400_000), null), only);
        Assert.Null(report.Status);
        Assert.Null(report.Reset);
        Assert.Null(report.Exhausted(Now));
    }

    [Fact]
    public void Nothing_usable_is_null()
    {
        Assert.Null(UsageWindowHeaders.Parse(H(("content-type", "application/json"), ("x-codex-plan", "pro")), Now));
        Assert.Null(UsageWindowHeaders.Parse(H(("anthropic-ratelimit-unified-5h-utilization", "lots")), Now));
        Assert.Null(UsageWindowHeaders.Parse([], Now));
    }

    [Fact]
    public void Codex_windows_are_fractions_named_from_their_length()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("x-codex-primary-used-percent", "21"),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-primary-reset-at", "1764018000"),
            ("X-Codex-Secondary-Used-Percent", "7.5"),
            ("x-codex-secondary-window-minutes", "10080"),
            ("x-codex-secondary-reset-after-seconds", "3600"),
            ("x-codex-primary-over-secondary-limit-percent", "3")), Now)!;

        Assert.Equal(UsageWindowFamily.Codex, report.Family);
        Assert.Equal(
            [
                new UsageWindow("5h", 0.21, DateTimeOffset.FromUnixTimeSeconds(1_764_018_000), null),
                new UsageWindow("7d", 0.075, Now.AddHours(1), null),
            ],
            report.Windows);
        Assert.Null(report.Exhausted(Now));
    }

    [Fact]
    public void Codex_reset_at_beats_the_older_relative_form()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("x-codex-primary-reset-after-seconds", "60"),
            ("x-codex-primary-reset-at", "1764018000"),
            ("x-codex-primary-used-percent", "50"),
            ("x-codex-primary-window-minutes", "90")), Now)!;

        Assert.Equal(new UsageWindow("90m", 0.5, DateTimeOffset.FromUnixTimeSeconds(1_764_018_000), null), Assert.Single(report.Windows));
    }

    [Fact]
    public void Codex_429_with_a_full_window_is_exhausted_until_its_reset()
    {
        var report = UsageWindowHeaders.Parse(H(
            ("x-codex-primary-used-percent", "100"),
            ("x-codex-primary-window-minutes", "300"),
            ("x-codex-primary-reset-after-seconds", "90"),
            ("x-codex-secondary-used-percent", "40"),
            ("x-codex-secondary-window-minutes", "10080"),
            ("x-codex-secondary-reset-after-seconds", "400000")), Now)!;

        Assert.Equal(new UsageExhaustion("5h", Now.AddSeconds(90)), report.Exhausted(Now));
    }

    [Fact]
    public void Codex_empty_slots_do_not_count_and_garbage_is_ignored()
    {
        Assert.Null(UsageWindowHeaders.Parse(H(
            ("x-codex-primary-used-percent", "0"),
            ("x-codex-primary-window-minutes", "0"),
            ("x-codex-secondary-used-percent", "lots"),
            ("x-codex-secondary-window-minutes", "-5"),
            ("x-codex-secondary-reset-at", "tomorrow")), Now));

        var report = UsageWindowHeaders.Parse(H(
            ("x-codex-secondary-used-percent", "12"),
            ("x-codex-secondary-window-minutes", "garbage")), Now)!;
        Assert.Equal(new UsageWindow("secondary", 0.12, null, null), Assert.Single(report.Windows));
    }

    [Theory]
    [InlineData(300, "5h")]
    [InlineData(10080, "7d")]
    [InlineData(60, "1h")]
    [InlineData(1440, "1d")]
    [InlineData(90, "90m")]
    public void Codex_window_names(long minutes, string name) => Assert.Equal(name, CodexUsageWindows.WindowName(minutes, "primary"));

    [Theory]
    [InlineData("5h", "5-hour")]
    [InlineData("7d", "7-day")]
    [InlineData("7d_oi", "7-day (oi)")]
    [InlineData("90m", "90-minute")]
    [InlineData("primary", "primary")]
    public void Window_descriptions(string window, string text) => Assert.Equal(text, UsageWindow.Describe(window));

    [Theory]
    [InlineData("anthropic-ratelimit-unified-5h-utilization", true)]
    [InlineData("Anthropic-RateLimit-Unified-Status", true)]
    [InlineData("x-codex-primary-used-percent", true)]
    [InlineData("anthropic-ratelimit-requests-remaining", false)]
    [InlineData("x-request-id", false)]
    [InlineData("content-type", false)]
    public void Prefix_test(string name, bool expected) => Assert.Equal(expected, UsageWindowHeaders.IsUsageHeader(name));

    [Fact]
    public void The_prefix_test_allocates_nothing()
    {
        string[] names = ["content-type", "x-request-id", "anthropic-ratelimit-unified-5h-utilization", "request-id", "anthropic-organization-id"];
        foreach (var name in names)
        {
            UsageWindowHeaders.IsUsageHeader(name);
        }

        // The smallest of a few rounds: a JIT tier-up landing in one round is not the test's allocation.
        var allocated = long.MaxValue;
        var hits = 0;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                foreach (var name in names)
                {
                    hits += UsageWindowHeaders.IsUsageHeader(name) ? 1 : 0;
                }
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(500, hits);
    }
}
