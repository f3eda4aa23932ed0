using Relay.Server.OAuth;

namespace Relay.Server.Tests.Control;

/// <summary>What operators paste after a browser sign-in, in each form the providers' pages and redirects produce.</summary>
public sealed class PastedCodeTests
{
    [Theory]
    [InlineData("abc123#st4te", "abc123", "st4te")]
    [InlineData("  abc123#st4te \n", "abc123", "st4te")]
    [InlineData("abc123", "abc123", null)]
    [InlineData("abc123&foo=bar", "abc123", null)]
    [InlineData("https://platform.claude.com/oauth/code/callback?code=abc123&state=st4te", "abc123", "st4te")]
    [InlineData("http://localhost:1455/auth/callback?code=abc%2B123&scope=openid&state=st4te", "abc+123", "st4te")]
    public void Code_and_state_are_read_from_every_form(string pasted, string code, string? state)
    {
        var parsed = PastedCode.Parse(pasted)!;

        Assert.Equal(code, parsed.Code);
        Assert.Equal(state, parsed.State);
        Assert.Null(parsed.Error);
    }

    [Theory]
    [InlineData("http://localhost:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement", "access_denied")]
    [InlineData("http://localhost:1455/auth/callback?error=%3Cscript%3E", "unrecognised_error")]
    public void A_callback_with_an_error_names_only_a_safe_error_code(string pasted, string error)
    {
        var parsed = PastedCode.Parse(pasted)!;

        Assert.Null(parsed.Code);
        Assert.Equal(error, parsed.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("#state-only")]
    [InlineData("https://example.com/callback?state=x")]
    public void Text_without_a_code_is_refused(string pasted) => Assert.Null(PastedCode.Parse(pasted));
}
