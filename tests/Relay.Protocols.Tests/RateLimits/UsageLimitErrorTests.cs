using System.Text;
using Relay.Protocols.RateLimits;

namespace Relay.Protocols.Tests.RateLimits;

public sealed class UsageLimitErrorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Resets_at_is_read_as_unix_seconds_and_wins_over_resets_in_seconds()
    {
        var at = Now.AddHours(2).ToUnixTimeSeconds();
        var body = """{"error":{"type":"usage_limit_reached","message":"The usage limit has been reached","plan_type":"plus","resets_at":AT,"resets_in_seconds":60}}""".Replace("AT", at.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(at), UsageLimitError.Reset(Encoding.UTF8.GetBytes(body), Now));
    }

    [Fact]
    public void Resets_in_seconds_alone_counts_from_now()
    {
        var body = """{"error":{"type":"usage_limit_reached","message":"…","resets_in_seconds":3600}}""";

        Assert.Equal(Now.AddHours(1), UsageLimitError.Reset(Encoding.UTF8.GetBytes(body), Now));
    }

    [Theory]
    [InlineData("""{"error":{"type":"rate_limit_exceeded","message":"slow down","resets_in_seconds":30}}""")]
    [InlineData("""{"error":{"type":"usage_limit_reached","message":"no reset"}}""")]
    [InlineData("""{"error":{"type":"usage_limit_reached","resets_at":1000}}""")]
    [InlineData("""{"detail":"Unauthorized"}""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Anything_else_gives_no_reset(string body) =>
        Assert.Null(UsageLimitError.Reset(Encoding.UTF8.GetBytes(body), Now));
}
