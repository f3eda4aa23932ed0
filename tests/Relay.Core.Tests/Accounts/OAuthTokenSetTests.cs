using Relay.Core.Accounts;

namespace Relay.Core.Tests.Accounts;

public sealed class OAuthTokenSetTests
{
    [Fact]
    public void The_json_form_round_trips_every_field()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);
        var tokens = new OAuthTokenSet
        {
            AccessToken = "a\"ccess",
            RefreshToken = "refresh",
            ExpiresAt = at.AddHours(1),
            TokenType = "Bearer",
            Scope = "api offline_access",
            IssuedAt = at,
            LastRefreshAt = at,
        };

        var back = OAuthTokenSet.Parse(tokens.ToJson());

        Assert.Equal(tokens.AccessToken, back.AccessToken);
        Assert.Equal(tokens.RefreshToken, back.RefreshToken);
        Assert.Equal(tokens.ExpiresAt, back.ExpiresAt);
        Assert.Equal(tokens.TokenType, back.TokenType);
        Assert.Equal(tokens.Scope, back.Scope);
        Assert.Equal(tokens.IssuedAt, back.IssuedAt);
        Assert.Equal(tokens.LastRefreshAt, back.LastRefreshAt);
    }

    [Fact]
    public void Optional_fields_stay_absent()
    {
        var back = OAuthTokenSet.Parse(new OAuthTokenSet { AccessToken = "only" }.ToJson());

        Assert.Null(back.RefreshToken);
        Assert.Null(back.ExpiresAt);
        Assert.Null(back.LastRefreshAt);
        Assert.False(back.ExpiresWithin(TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"accessToken\":\"\"}")]
    [InlineData("not json, with a token-1234")]
    public void Unusable_json_is_a_format_error_that_quotes_nothing(string json)
    {
        var error = Assert.Throws<FormatException>(() => OAuthTokenSet.Parse(json));
        Assert.DoesNotContain("token-1234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expiry_within_the_skew_counts_as_expiring()
    {
        var now = DateTimeOffset.UtcNow;
        var tokens = new OAuthTokenSet { AccessToken = "a", ExpiresAt = now.AddSeconds(30) };

        Assert.True(tokens.ExpiresWithin(TimeSpan.FromSeconds(60), now));
        Assert.False(tokens.ExpiresWithin(TimeSpan.FromSeconds(10), now));
        Assert.True(tokens.ExpiresWithin(TimeSpan.Zero, now.AddSeconds(30)));
    }
}
