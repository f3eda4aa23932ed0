using Relay.Protocols.OpenAI;

namespace Relay.Protocols.Tests.OpenAI;

/// <summary>How long an OpenAI account is cooled after a 429: what the provider's headers say.</summary>
public sealed class OpenAIRateLimitHeadersTests
{
    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("20ms", 20)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("0.5s", 500)]
    public void Go_durations_parse(string text, double milliseconds)
    {
        Assert.True(OpenAIRateLimitHeaders.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5")]
    [InlineData("5x")]
    public void Junk_is_not_a_duration(string text) => Assert.False(OpenAIRateLimitHeaders.TryParseDuration(text, out _));

    [Fact]
    public void The_exhausted_limit_decides_and_retry_after_ms_wins()
    {
        var headers = new Dictionary<string, string>
        {
            ["x-ratelimit-remaining-requests"] = "0",
            ["x-ratelimit-reset-requests"] = "2s",
            ["x-ratelimit-remaining-tokens"] = "1000",
            ["x-ratelimit-reset-tokens"] = "6m0s",
        };

        Assert.Equal(TimeSpan.FromSeconds(2), OpenAIRateLimitHeaders.Reset(n => headers.GetValueOrDefault(n)));

        headers["retry-after-ms"] = "1500";
        Assert.Equal(TimeSpan.FromMilliseconds(1500), OpenAIRateLimitHeaders.Reset(n => headers.GetValueOrDefault(n)));
        Assert.Null(OpenAIRateLimitHeaders.Reset(_ => null));
    }
}
