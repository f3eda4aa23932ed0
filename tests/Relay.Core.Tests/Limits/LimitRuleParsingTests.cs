using Relay.Core.Limits;

namespace Relay.Core.Tests.Limits;

public sealed class LimitRuleParsingTests
{
    [Theory]
    [InlineData("60s", LimitWindowKind.Sliding, 60, "1m")]
    [InlineData("5m", LimitWindowKind.Sliding, 300, "5m")]
    [InlineData("5h", LimitWindowKind.Sliding, 18_000, "5h")]
    [InlineData(" 90S ", LimitWindowKind.Sliding, 90, "90s")]
    [InlineData("1d", LimitWindowKind.Day, 0, "1d")]
    [InlineData("1w", LimitWindowKind.Week, 0, "1w")]
    [InlineData("total", LimitWindowKind.Total, 0, "total")]
    [InlineData("TOTAL", LimitWindowKind.Total, 0, "total")]
    public void Windows_parse_to_their_kind_and_canonical_text(string text, LimitWindowKind kind, int seconds, string canonical)
    {
        Assert.True(LimitWindow.TryParse(text, out var window, out var error), error);
        Assert.Equal(kind, window.Kind);
        Assert.Equal(TimeSpan.FromSeconds(seconds), window.Length);
        Assert.Equal(canonical, window.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    [InlineData("60", "needs a unit")]
    [InlineData("1.5m", "whole number")]
    [InlineData("-5m", "whole number")]
    [InlineData("0s", "positive")]
    [InlineData("2d", "\"48h\"")]
    [InlineData("3w", "\"504h\"")]
    [InlineData("800h", "744h")]
    [InlineData("forever", "needs a unit")]
    public void Bad_windows_say_what_is_wrong(string? text, string expected)
    {
        Assert.False(LimitWindow.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_are_built_from_the_control_api_shape()
    {
        Assert.True(LimitRule.TryCreate("cost", "1d", 20m, null, null, out var cost, out var error), error);
        Assert.Equal(new LimitRule(LimitMeter.Cost, LimitWindow.Day, 20m), cost);

        Assert.True(LimitRule.TryCreate("Concurrency", null, 3, 5, "10s", out var concurrency, out error), error);
        Assert.Equal(new LimitQueue(5, TimeSpan.FromSeconds(10)), concurrency!.Queue);
        Assert.Equal(LimitWindow.None, concurrency.Window);
    }

    [Theory]
    [InlineData("bytes", "60s", 1, null, null, "meter")]
    [InlineData("1", "60s", 1, null, null, "meter")]
    [InlineData("requests", null, 1, null, null, "need a window")]
    [InlineData("requests", "60s", -1, null, null, "negative")]
    [InlineData("requests", "60s", 1, 5, "10s", "concurrency rules only")]
    [InlineData("concurrency", "60s", 3, null, null, "no window")]
    [InlineData("concurrency", null, 2.5, null, null, "whole number")]
    [InlineData("concurrency", null, 0, null, null, "at least 1")]
    [InlineData("concurrency", null, 3, 0, "10s", "queue.size")]
    [InlineData("concurrency", null, 3, 5, "soon", "queue.timeout")]
    [InlineData("concurrency", null, 3, 5, "1h", "at most 5m")]
    public void Bad_rules_name_the_field(string meter, string? window, double max, int? size, string? timeout, string expected)
    {
        Assert.False(LimitRule.TryCreate(meter, window, (decimal)max, size, timeout, out var rule, out var error));
        Assert.Null(rule);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("10s", 10)]
    [InlineData("2w", 14 * 24 * 3600)]
    public void Durations_accept_days_and_weeks(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }
}
