using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Relay.Server.Control.Accounts;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>
/// Claude's browser sign-in through the Control API against the fake provider: the authorize URL, the page's
/// <c>CODE#STATE</c> pasted back (or the whole callback URL), the PKCE exchange, the account it creates and serves
/// traffic with; mistakes an operator makes (wrong state, wrong code, a stale session); the setup-token method.
/// </summary>
public sealed class ClaudeSignInApiTests(UpstreamFixture upstream) : OAuthSignInTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private readonly AdjustableTime _sessionClock = new();

    protected override RelayServerOptions Options => base.Options with
    {
        // A provider of the operator's own beside the built-ins, with the fake's browser and device endpoints.
        Settings = new Dictionary<string, string>(base.Options.Settings.Concat(OAuth.Settings("corp"))),

        // Only the sessions' clock moves, so a test can let a session expire without waiting ten minutes.
        Configure = builder => builder.Services.AddSingleton(new SignInSessions(_sessionClock)),
    };

    [Fact]
    public async Task A_pasted_code_and_state_create_an_account_that_shows_who_signed_in_and_serves_traffic()
    {
        var prefix = NewPrefix("claude");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix), priority = 7 } });

        Assert.Equal("claude", (string)started["provider"]!);
        Assert.Equal("browser", (string)started["method"]!);
        Assert.Equal(OAuth.RedirectUri, (string)started["redirectUri"]!);
        var expiresAt = started["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        var authorize = new Uri((string)started["authorizeUrl"]!);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("true", query["code"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Contains("user:inference", query["scope"].ToString(), StringComparison.Ordinal);

        var pasted = await FakeOAuthProvider.SignInAsync(authorize.ToString());
        Assert.EndsWith("#" + query["state"], pasted, StringComparison.Ordinal);
        var (status, view) = await CompleteAsync("claude", started, pasted);

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        // Anthropic's token endpoint takes JSON with the state; the fake checked the verifier against the challenge.
        Assert.Equal("application/json", OAuth.LastContentType);
        Assert.Equal(OAuth.RedirectUri, OAuth.LastForm["redirect_uri"]);
        Assert.Equal(query["state"], OAuth.LastForm["state"]);
        Assert.Equal(43, OAuth.LastForm["code_verifier"].Length);
        Assert.Equal(query["code_challenge"], System.Buffers.Text.Base64Url.EncodeToString(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(OAuth.LastForm["code_verifier"]))));
        Assert.Equal("oauth", (string)view["type"]!);
        Assert.Equal("anthropic", (string)view["platform"]!);
        Assert.Equal(7, (int)view["priority"]!);
        var oauth = view["oauth"]!;
        Assert.Equal("claude", (string)oauth["provider"]!);
        Assert.Equal(OAuth.Email, (string)oauth["email"]!);
        Assert.Equal(OAuth.AccountUuid, (string)oauth["accountId"]!);
        Assert.True((bool)oauth["hasRefreshToken"]!);
        Assert.False(view.AsObject().ContainsKey("tokens"));

        Fake.AcceptOnlyBearer(prefix, OAuth.IsValidAccessToken);
        var (_, client) = await NewClientAsync();
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("Bearer " + OAuth.CurrentAccessToken, Assert.Single(Fake.Requests(prefix)).Header("authorization"));

        // Single use: the session is gone once it made an account.
        AssertError(HttpStatusCode.NotFound, "not_found", await CompleteAsync("claude", started, pasted));
    }

    [Fact]
    public async Task The_whole_callback_url_pasted_back_works_too()
    {
        var prefix = NewPrefix("claude-url");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var pasted = (await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!)).Split('#');
        var callback = QueryHelpers.AddQueryString(OAuth.RedirectUri, new Dictionary<string, string?> { ["code"] = pasted[0], ["state"] = pasted[1] });

        var (status, view) = await CompleteAsync("claude", started, callback);

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.Equal(OAuth.Email, (string)view["oauth"]!["email"]!);
    }

    [Fact]
    public async Task A_state_from_another_session_is_refused_and_the_session_stays_open()
    {
        var prefix = NewPrefix("claude-state");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var code = (await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!)).Split('#')[0];

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await CompleteAsync("claude", started, code + "#not-this-sessions-state"), mentions: "state");
        Assert.Equal(0, OAuth.CodeExchanges);

        var (status, view) = await CompleteAsync("claude", started, code);
        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
    }

    [Fact]
    public async Task A_code_the_provider_refuses_is_a_400_naming_its_error_and_the_right_code_still_works()
    {
        var prefix = NewPrefix("claude-code");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var pasted = await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!);
        var state = pasted.Split('#')[1];

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await CompleteAsync("claude", started, "mistyped-code#" + state), mentions: "invalid_grant");

        var (status, view) = await CompleteAsync("claude", started, pasted);
        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.Equal(2, OAuth.CodeExchanges);
    }

    [Fact]
    public async Task An_error_in_the_pasted_callback_url_is_named()
    {
        var prefix = NewPrefix("claude-denied");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });

        AssertError(HttpStatusCode.BadRequest, "invalid_request",
            await CompleteAsync("claude", started, OAuth.RedirectUri + "?error=access_denied&error_description=user+said+no"), mentions: "access_denied");
    }

    [Fact]
    public async Task A_session_older_than_ten_minutes_is_gone()
    {
        var prefix = NewPrefix("claude-late");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var pasted = await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!);

        _sessionClock.Advance(TimeSpan.FromMinutes(11));

        AssertError(HttpStatusCode.NotFound, "not_found", await CompleteAsync("claude", started, pasted));
        AssertError(HttpStatusCode.NotFound, "not_found", await PostAsync("api/accounts/oauth/claude/complete", new { sessionId = "sis_unknown", code = "x" }));
        Assert.Equal(0, OAuth.CodeExchanges);
    }

    [Fact]
    public async Task The_setup_token_method_asks_for_a_one_year_inference_token_without_a_refresh_token()
    {
        var prefix = NewPrefix("claude-setup");
        var started = await StartAsync("claude", new { method = "setup-token", account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        Assert.Equal("user:inference", QueryHelpers.ParseQuery(new Uri((string)started["authorizeUrl"]!).Query)["scope"]);

        var (status, view) = await CompleteAsync("claude", started, await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!));

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.Equal("31536000", OAuth.LastForm["expires_in"]);
        Assert.Contains("expires_in:Number", OAuth.LastForm["$kinds"], StringComparison.Ordinal);
        var oauth = view["oauth"]!;
        Assert.False((bool)oauth["hasRefreshToken"]!);
        Assert.InRange(oauth["expiresAt"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
    }

    [Fact]
    public async Task Signing_an_account_in_error_in_again_clears_the_error_and_traffic_flows()
    {
        var prefix = NewPrefix("claude-again");
        var view = await SignInAsync("claude", prefix, Fake.BaseUrl(prefix));
        var id = (string)view["id"]!;
        Fake.AcceptOnlyBearer(prefix, OAuth.IsValidAccessToken);
        var (_, client) = await NewClientAsync();

        // The provider ends the sign-in: the token stops working and the refresh is refused.
        OAuth.RotateAccessToken();
        OAuth.Revoke();
        var (failed, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.NotEqual(HttpStatusCode.OK, failed.StatusCode);
        Assert.Equal("error", (await Relay.GetAccountAsync(id)).State);

        var started = await StartAsync("claude", new { accountId = id });
        var (status, again) = await CompleteAsync("claude", started, await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!));

        Assert.True(status == HttpStatusCode.OK, again.ToJsonString());
        Assert.Equal(id, (string)again["id"]!);
        Assert.Equal("active", (string)again["status"]!["state"]!);
        Assert.Equal(prefix, (string)again["name"]!);
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("Bearer " + OAuth.CurrentAccessToken, Fake.Requests(prefix)[^1].Header("authorization"));
    }

    [Fact]
    public async Task Mistakes_in_the_start_request_show_before_the_operator_signs_in()
    {
        var prefix = NewPrefix("claude-bad");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { account = new { baseUrl = Fake.BaseUrl(prefix) } }), mentions: "account.name");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { account = new { name = prefix, weight = 0 } }), mentions: "account.weight");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { account = new { name = prefix, proxy = "ftp://nope" } }), mentions: "account.proxy");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { account = new { name = prefix, colour = "red" } }), mentions: "colour");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { method = "device", account = new { name = prefix } }), mentions: "device");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { method = "carrier-pigeon", account = new { name = prefix } }));
        AssertError(HttpStatusCode.NotFound, "not_found", await PostAsync("api/accounts/oauth/nobody/start", new { account = new { name = prefix } }));
        AssertError(HttpStatusCode.NotFound, "not_found", await PostAsync("api/accounts/oauth/claude/start", new { accountId = "acc_missing" }));

        var (apiKeyAccount, _) = await AddAccountAsync("ok");
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/claude/start", new { accountId = apiKeyAccount.Id }), mentions: "not an oauth account");
        Assert.Empty(OAuth.AuthorizeRefusals);
    }

    [Fact]
    public async Task An_unreachable_token_endpoint_is_a_502_and_the_session_survives_it()
    {
        var prefix = NewPrefix("claude-down");
        var started = await StartAsync("claude", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var pasted = await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!);

        OAuth.Down = true;
        AssertError(HttpStatusCode.BadGateway, "upstream_unavailable", await CompleteAsync("claude", started, pasted));

        OAuth.Down = false;
        var (status, view) = await CompleteAsync("claude", started, pasted);
        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
    }

    [Fact]
    public async Task The_providers_list_says_how_each_provider_signs_in_and_whose_terms_apply()
    {
        var items = (await GetAsync("api/accounts/oauth/providers"))["items"]!.AsArray();

        var claude = items.Single(p => (string)p!["id"]! == "claude")!;
        Assert.Equal("anthropic", (string)claude["platform"]!);
        Assert.Equal(["browser", "setup-token"], claude["methods"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(["claude-credentials", "claude-setup-token"], claude["importFormats"]!.AsArray().Select(m => (string)m!));
        Assert.Contains("Anthropic", (string)claude["terms"]!, StringComparison.Ordinal);
        var chatgpt = items.Single(p => (string)p!["id"]! == "chatgpt")!;
        Assert.Equal("openai", (string)chatgpt["platform"]!);
        Assert.Equal(["browser", "device"], chatgpt["methods"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(["codex-auth"], chatgpt["importFormats"]!.AsArray().Select(m => (string)m!));
        Assert.False(string.IsNullOrEmpty((string?)chatgpt["displayName"]));
        var corp = items.Single(p => (string)p!["id"]! == "corp")!;
        Assert.Equal(["browser", "device"], corp["methods"]!.AsArray().Select(m => (string)m!));
        Assert.Empty(corp["importFormats"]!.AsArray());
    }

    [Fact]
    public async Task At_most_a_hundred_sign_ins_are_open_and_the_oldest_goes_first()
    {
        var first = await StartAsync("claude", new { account = new { name = "first" } });
        for (var i = 0; i < SignInSessions.Capacity; i++)
        {
            await StartAsync("claude", new { account = new { name = $"later-{i}" } });
        }

        AssertError(HttpStatusCode.NotFound, "not_found", await CompleteAsync("claude", first, "any-code"));
        Assert.Equal(0, OAuth.CodeExchanges);
    }

    /// <summary>A clock that can be moved forward.</summary>
    private sealed class AdjustableTime : TimeProvider
    {
        private TimeSpan _offset;

        public void Advance(TimeSpan by) => _offset += by;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;
    }
}
