using System.Buffers.Text;
using System.Text.Json;
using Relay.Server.OAuth;

namespace Relay.Server.Tests.Control;

/// <summary>
/// Who a sign-in belongs to, as the account view shows it and as ChatGPT requests name it: read from a token
/// endpoint's answer. Real id tokens run to kilobytes, so a long one must still be read.
/// </summary>
public sealed class TokenIdentityTests
{
    [Fact]
    public void A_kilobytes_long_id_token_still_names_the_chatgpt_account_email_and_plan()
    {
        var claims = new Dictionary<string, object>
        {
            ["email"] = "dev@example.com",
            ["https://api.openai.com/auth"] = new Dictionary<string, object> { ["chatgpt_account_id"] = "acct-123", ["chatgpt_plan_type"] = "pro" },
            ["padding"] = new string('x', 3000),
        };
        var idToken = "eyJhbGciOiJSUzI1NiJ9." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims)) + ".c2ln";
        using var answer = JsonDocument.Parse(JsonSerializer.Serialize(new { access_token = "at", id_token = idToken }));

        var identity = TokenIdentity.FromAnswer(answer.RootElement);

        Assert.NotNull(identity);
        Assert.Equal(("acct-123", "dev@example.com", "pro"), (identity.AccountId, identity.Email, identity.Plan));
    }

    [Fact]
    public void An_anthropic_answer_names_the_account_by_its_uuid_and_email()
    {
        using var answer = JsonDocument.Parse("""{"access_token":"at","account":{"uuid":"u-1","email_address":"me@example.com"}}""");

        var identity = TokenIdentity.FromAnswer(answer.RootElement);

        Assert.Equal(("u-1", "me@example.com", (string?)null), (identity!.AccountId, identity.Email, identity.Plan));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.!!!.c")]
    [InlineData("a.bnVsbA.c")]
    public void An_unreadable_id_token_names_nobody(string idToken) =>
        Assert.Null(TokenIdentity.FromIdToken(idToken));
}
