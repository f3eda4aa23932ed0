using System.Net;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>
/// <c>POST /api/accounts/oauth/{provider}/import</c>: the credential files of Claude Code and Codex and a Claude
/// long-lived token, recognised by their content; a file of the other provider or broken text is a 400 that never
/// repeats the credential.
/// </summary>
public sealed class OAuthImportApiTests(UpstreamFixture upstream) : OAuthSignInTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task A_claude_code_credentials_file_becomes_an_account_that_serves_traffic()
    {
        var prefix = NewPrefix("import-claude");
        var (access, refresh) = OAuth.SignIn();
        var expiresAt = DateTimeOffset.UtcNow.AddHours(8);
        var file = JsonSerializer.Serialize(new
        {
            claudeAiOauth = new { accessToken = access, refreshToken = refresh, expiresAt = expiresAt.ToUnixTimeMilliseconds(), scopes = new[] { "user:inference", "user:profile" }, subscriptionType = "max" },
            mcpOAuth = new { },
        });

        var (status, view) = await PostAsync("api/accounts/oauth/claude/import", new { credentials = file, account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        var oauth = view["oauth"]!;
        Assert.Equal("max", (string)oauth["plan"]!);
        Assert.True((bool)oauth["hasRefreshToken"]!);
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), oauth["expiresAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Fake.AcceptOnlyBearer(prefix, OAuth.IsValidAccessToken);
        var (_, client) = await NewClientAsync();
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task A_long_lived_claude_token_is_imported_without_refresh_token_or_invented_expiry()
    {
        var token = "sk-ant-oat01-" + RelayServer.RandomToken(40);
        Relay.AddKnownSecret(token);

        var (status, view) = await PostAsync("api/accounts/oauth/claude/import", new { credentials = token + "\n", account = new { name = NewPrefix("oat") } });

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.DoesNotContain(token, view.ToJsonString(), StringComparison.Ordinal);
        Assert.False((bool)view["oauth"]!["hasRefreshToken"]!);
        Assert.Null(view["oauth"]!["expiresAt"]);
    }

    [Fact]
    public async Task A_codex_auth_json_is_imported_with_the_account_id_email_plan_and_the_access_tokens_expiry()
    {
        var exp = DateTimeOffset.UtcNow.AddDays(9).ToUnixTimeSeconds();
        var access = Jwt(new { exp, sub = "user-1" });
        var idToken = Jwt(new Dictionary<string, object>
        {
            ["email"] = "codex-user@example.com",
            ["https://api.openai.com/auth"] = new Dictionary<string, string> { ["chatgpt_account_id"] = "acct-from-claim", ["chatgpt_plan_type"] = "plus" },
        });
        var refresh = "rt_" + RelayServer.RandomToken(40);
        foreach (var secret in new[] { access, idToken, refresh })
        {
            Relay.AddKnownSecret(secret);
        }

        var file = JsonSerializer.Serialize(new { auth_mode = "chatgpt", OPENAI_API_KEY = (string?)null, tokens = new { id_token = idToken, access_token = access, refresh_token = refresh, account_id = (string?)null }, last_refresh = "2026-11-20T10:11:12.123Z" });
        var (status, view) = await PostAsync("api/accounts/oauth/chatgpt/import", new { credentials = file, account = new { name = NewPrefix("codex") } });

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        var text = view.ToJsonString();
        Assert.DoesNotContain(access, text, StringComparison.Ordinal);
        Assert.DoesNotContain(idToken, text, StringComparison.Ordinal);
        var oauth = view["oauth"]!;
        Assert.Equal("acct-from-claim", (string)oauth["accountId"]!);
        Assert.Equal("codex-user@example.com", (string)oauth["email"]!);
        Assert.Equal("plus", (string)oauth["plan"]!);
        Assert.Equal(exp, oauth["expiresAt"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Equal("openai", (string)view["platform"]!);

        // tokens.account_id, when the file has one, wins over the claim; importing into the same account signs it in again.
        var again = JsonSerializer.Serialize(new { tokens = new { id_token = idToken, access_token = access, refresh_token = refresh, account_id = "acct-from-file" } });
        var (againStatus, againView) = await PostAsync("api/accounts/oauth/chatgpt/import", new { credentials = again, accountId = (string)view["id"]! });
        Assert.True(againStatus == HttpStatusCode.OK, againView.ToJsonString());
        Assert.Equal("acct-from-file", (string)againView["oauth"]!["accountId"]!);
    }

    [Fact]
    public async Task A_file_of_the_other_provider_or_broken_text_is_a_400_that_never_repeats_the_credential()
    {
        var secret = "sk-ant-ort01-" + RelayServer.RandomToken(40);
        Relay.AddKnownSecret(secret);
        var claudeFile = JsonSerializer.Serialize(new { claudeAiOauth = new { accessToken = "sk-ant-oat01-" + secret, refreshToken = secret } });

        var wrong = await PostAsync("api/accounts/oauth/chatgpt/import", new { credentials = claudeFile, account = new { name = "x" } });
        AssertError(HttpStatusCode.BadRequest, "invalid_request", wrong, mentions: "Codex auth.json");

        var broken = await PostAsync("api/accounts/oauth/claude/import", new { credentials = "{\"claudeAiOauth\": {\"accessToken\": \"" + secret, account = new { name = "x" } });
        AssertError(HttpStatusCode.BadRequest, "invalid_request", broken, mentions: "not valid JSON");

        var empty = await PostAsync("api/accounts/oauth/claude/import", new { credentials = "{\"claudeAiOauth\":{}}", account = new { name = "x" } });
        AssertError(HttpStatusCode.BadRequest, "invalid_request", empty, mentions: "accessToken");

        var stranger = await PostAsync("api/accounts/oauth/claude/import", new { credentials = secret, account = new { name = "x" } });
        AssertError(HttpStatusCode.BadRequest, "invalid_request", stranger);

        var noName = await PostAsync("api/accounts/oauth/claude/import", new { credentials = "sk-ant-oat01-" + secret });
        AssertError(HttpStatusCode.BadRequest, "invalid_request", noName, mentions: "account.name");

        foreach (var answer in new[] { wrong, broken, empty, stranger, noName })
        {
            Assert.DoesNotContain(secret, answer.Body.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Empty((await GetAsync("api/accounts"))["items"]!.AsArray());
    }
}
