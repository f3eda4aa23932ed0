using Relay.Protocols.Anthropic;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30", 30)]
    [InlineData(" 0 ", 0)]
    [InlineData("Sun, 01 Jun 2025 12:01:30 GMT", 90)]
    [InlineData("Sunday, 01-Jun-25 12:00:10 GMT", 10)]
    [InlineData("Sun Jun  1 12:00:05 2025", 5)]
    [InlineData("Sun, 01 Jun 2025 11:00:00 GMT", 0)]
    public void Retry_after_reads_seconds_and_dates(string value, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RateLimitHeaders.RetryAfter(value, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("soon")]
    [InlineData("1.5")]
    public void Retry_after_is_null_when_unreadable(string? value)
    {
        Assert.Null(RateLimitHeaders.RetryAfter(value, Now));
    }

    [Fact]
    public void Retry_after_clamps_huge_values()
    {
        Assert.Equal(TimeSpan.MaxValue, RateLimitHeaders.RetryAfter("99999999999999999", Now));
    }

    [Fact]
    public void Latest_reset_of_the_exhausted_limits()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["anthropic-ratelimit-requests-remaining"] = "0",
            ["anthropic-ratelimit-requests-reset"] = "2025-06-01T12:00:20Z",
            ["anthropic-ratelimit-tokens-remaining"] = "1500",
            ["anthropic-ratelimit-tokens-reset"] = "2025-06-01T12:05:00Z",
            ["anthropic-ratelimit-input-tokens-remaining"] = "0",
            ["anthropic-ratelimit-input-tokens-reset"] = "2025-06-01T12:00:45Z",
            ["anthropic-ratelimit-output-tokens-remaining"] = "0",
            ["anthropic-ratelimit-output-tokens-reset"] = "not a date",
        };

        var reset = RateLimitHeaders.LatestReset(name => headers.GetValueOrDefault(name));

        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 45, TimeSpan.Zero), reset);
    }

    [Fact]
    public void Latest_reset_is_null_when_nothing_is_exhausted()
    {
        var headers = new Dictionary<string, string>
        {
            ["anthropic-ratelimit-requests-remaining"] = "49",
            ["anthropic-ratelimit-requests-reset"] = "2025-06-01T12:00:20Z",
        };

        Assert.Null(RateLimitHeaders.LatestReset(name => headers.GetValueOrDefault(name)));
        Assert.Null(RateLimitHeaders.LatestReset(_ => null));
    }
}
