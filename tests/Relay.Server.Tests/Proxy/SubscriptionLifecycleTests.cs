using System.Net;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// The life of a Claude subscription account told in order, through the Control API and the relay only: signed in
/// (start, the authorize page's <c>CODE#STATE</c>, complete), serving, its access token running out under load (one
/// refresh for twenty waiting requests, in Claude's JSON), its sign-in revoked (the account in error saying why,
/// traffic on a second subscription), signed in again and serving again. The fake Anthropic upstream accepts only the
/// current bearer token with <c>oauth-2025-04-20</c>, and only Claude Code's requests.
/// </summary>
public sealed class SubscriptionLifecycleTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const string InvalidGrantReason = "sign-in expired: refresh token was rejected (invalid_grant); sign in again";
    private const string ClaudeCodeSystem = "\"system\":\"You are Claude Code, Anthropic's official CLI for Claude.\"";

    private FakeOAuthProvider _oauth = null!;

    protected override RelayServerOptions Options => new() { Settings = new Dictionary<string, string>(_oauth.Settings("claude")) };

    public override async Task InitializeAsync()
    {
        _oauth = await FakeOAuthProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        SubscriptionAccounts.RegisterSecrets(Relay, _oauth);
        await base.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    [Fact]
    public async Task A_claude_subscription_signs_in_serves_survives_expiry_under_load_fails_over_when_revoked_and_serves_again_after_signing_in_again()
    {
        // The team's second subscription, signed in the same way, waits in a lower tier. The fake provider plays one
        // user, so the main account's sign-in below replaces this one's tokens there; its upstream therefore accepts
        // its own token (issued for an hour, it never needs a refresh in this story).
        var standbyPrefix = NewPrefix("standby");
        var (standbyId, standbyAccess, _) = await SubscriptionAccounts.SignInAsync(Relay, _oauth, "claude", Account(standbyPrefix, priority: 90));
        Fake.PlayClaudeSubscription(standbyPrefix, token => token == standbyAccess);

        // 1. Sign-in: start, the operator's browser, paste, complete. Claude's token endpoint takes JSON.
        var prefix = NewPrefix("main");
        Fake.PlayClaudeSubscription(prefix, _oauth.IsValidAccessToken);
        var (id, access, signedIn) = await SubscriptionAccounts.SignInAsync(Relay, _oauth, "claude", Account(prefix, priority: 1));
        Assert.Equal("application/json", _oauth.LastContentType);
        Assert.Equal("authorization_code", _oauth.LastForm["grant_type"]);
        Assert.Equal("active", signedIn["status"]!["state"]!.GetValue<string>());
        var oauth = signedIn["oauth"]!;
        Assert.Equal("claude", oauth["provider"]!.GetValue<string>());
        Assert.Equal(_oauth.Email, oauth["email"]!.GetValue<string>());
        Assert.True(oauth["hasRefreshToken"]!.GetValue<bool>());
        Assert.InRange(oauth["expiresAt"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));

        // 2. Traffic: the sign-in's bearer with the OAuth beta, no API key.
        var (_, client) = await NewClientAsync();
        await AssertServedAsync(client);
        var first = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("Bearer " + access, first.Header("authorization"));
        Assert.Equal(FakeAnthropicUpstream.OAuthBeta, first.Header("anthropic-beta"));
        Assert.Null(first.Header("x-api-key"));
        Assert.Equal(0, _oauth.RefreshCalls);

        // 3. The access token runs out mid-use (before the relay's clock says so). Twenty requests at once: each is
        // refused once, all wait for the one refresh (slow enough that they overlap), and each is answered on it.
        _oauth.RefreshDelay = TimeSpan.FromMilliseconds(400);
        _oauth.ExpireAccessToken();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PostAsync(client, "/v1/messages", Conversation($"burst {i}"))));

        Assert.All(results, r => Assert.True(r.Response.StatusCode == HttpStatusCode.OK, r.Body));
        Assert.Equal(1, _oauth.RefreshCalls);
        Assert.Equal("application/json", _oauth.LastContentType);
        Assert.Equal("refresh_token", _oauth.LastForm["grant_type"]);
        var refreshed = _oauth.CurrentAccessToken;
        Assert.Equal(20, Fake.Requests(prefix).Count(r => r.Header("authorization") == "Bearer " + refreshed));
        Assert.Equal(0, Fake.Count(standbyPrefix));
        var afterRefresh = await SubscriptionAccounts.ViewAsync(Relay, _oauth, id);
        Assert.Equal("active", afterRefresh["status"]!["state"]!.GetValue<string>());
        Assert.NotNull(afterRefresh["oauth"]!["lastRefreshAt"]);
        Assert.Null(afterRefresh["oauth"]!["refreshError"]);

        // 4. The provider revokes the sign-in and the token runs out again: the refresh is refused, the account goes
        // to error saying why, and the request is answered by the standby subscription before the client sees anything.
        _oauth.RefreshDelay = TimeSpan.Zero;
        _oauth.Revoke();
        _oauth.ExpireAccessToken();
        var sentBefore = Fake.Count(prefix);

        await AssertServedAsync(client, "after revoke");

        Assert.Equal(2, _oauth.RefreshCalls);
        var served = Assert.Single(Fake.Requests(standbyPrefix));
        Assert.Equal("Bearer " + standbyAccess, served.Header("authorization"));
        var failed = await SubscriptionAccounts.ViewAsync(Relay, _oauth, id);
        Assert.Equal("error", failed["status"]!["state"]!.GetValue<string>());
        Assert.Equal(InvalidGrantReason, failed["status"]!["reason"]!.GetValue<string>());
        Assert.Equal(InvalidGrantReason, failed["oauth"]!["refreshError"]!.GetValue<string>());
        Assert.Equal("active", (await Relay.GetAccountAsync(standbyId)).State);
        var usage = await Relay.WaitForUsageAsync(22);
        Assert.Contains(usage, u => u.AccountId == standbyId && u.Status == 200 && u.Attempts == 2);

        // Traffic keeps away from it while it is in error.
        await AssertServedAsync(client, "still revoked");
        Assert.Equal(sentBefore + 1, Fake.Count(prefix));
        Assert.Equal(2, Fake.Count(standbyPrefix));

        // 5. The operator signs the same account in again: same id, tokens replaced, error cleared, serving again.
        var (again, renewed, resignedIn) = await SubscriptionAccounts.SignInAsync(Relay, _oauth, "claude", account: null, accountId: id);

        Assert.Equal(id, again);
        Assert.Equal("active", resignedIn["status"]!["state"]!.GetValue<string>());
        Assert.Null(resignedIn["oauth"]!["refreshError"]);
        Assert.Equal(prefix, resignedIn["name"]!.GetValue<string>());
        await AssertServedAsync(client, "signed in again");
        Assert.Equal("Bearer " + renewed, Fake.Requests(prefix)[^1].Header("authorization"));
        Assert.Equal(sentBefore + 2, Fake.Count(prefix));
        Assert.Equal(2, Fake.Count(standbyPrefix));
        Assert.Equal(2, _oauth.RefreshCalls);
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
    }

    private JsonObject Account(string prefix, int priority) =>
        new() { ["name"] = prefix, ["baseUrl"] = Fake.BaseUrl(prefix), ["priority"] = priority };

    /// <summary>A Claude Code request (its own system prompt: a Claude sign-in serves nothing else) of a conversation of its own.</summary>
    private static string Conversation(string text) => Requests.Messages(text: text + " " + Guid.NewGuid().ToString("N"), extra: ClaudeCodeSystem);

    private static async Task AssertServedAsync(HttpClient client, string text = "Hello")
    {
        var (response, body) = await PostAsync(client, "/v1/messages", Conversation(text));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
    }
}
