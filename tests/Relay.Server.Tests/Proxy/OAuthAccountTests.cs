using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Token (<c>oauth</c>) accounts against a fake OAuth provider and an upstream that accepts only the provider's
/// currently valid access token: bearer auth, single-flight refresh before expiry, refresh-and-retry after a 401,
/// revoked refresh tokens, an unreachable token endpoint. Every token the provider issued is a known secret, so the
/// base class fails the test if any log line holds one.
/// </summary>
public sealed class OAuthAccountTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const string InvalidGrantReason = "sign-in expired: refresh token was rejected (invalid_grant); sign in again";

    private FakeOAuthProvider _oauth = null!;

    protected override RelayServerOptions Options => new() { Settings = new Dictionary<string, string>(_oauth.Settings("fake")) };

    public override async Task InitializeAsync()
    {
        _oauth = await FakeOAuthProvider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        foreach (var token in _oauth.IssuedTokens)
        {
            Relay.AddKnownSecret(token);
        }

        await base.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    [Fact]
    public async Task Traffic_on_an_oauth_account_sends_the_bearer_token_and_never_an_api_key()
    {
        var (id, prefix, access, _) = await AddOAuthAccountAsync(TimeSpan.FromHours(1));
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("Bearer " + access, sent.Header("authorization"));
        Assert.Null(sent.Header("x-api-key"));
        Assert.Equal("2023-06-01", sent.Header("anthropic-version"));
        Assert.Equal(0, _oauth.RefreshCalls);

        var view = await ViewAsync(id);
        Assert.Equal("oauth", view["type"]!.GetValue<string>());
        Assert.False(view["hasSecret"]!.GetValue<bool>());
        var oauth = view["oauth"]!.AsObject();
        Assert.Equal("fake", oauth["provider"]!.GetValue<string>());
        Assert.True(oauth["hasRefreshToken"]!.GetValue<bool>());
        Assert.NotNull(oauth["expiresAt"]);
        Assert.True(oauth.ContainsKey("lastRefreshAt"));
        Assert.True(oauth.ContainsKey("refreshError"));
        Assert.Null(oauth["refreshError"]);
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_exactly_once_while_twenty_concurrent_requests_wait()
    {
        var (id, prefix, access, refresh) = await AddOAuthAccountAsync(TimeSpan.FromSeconds(30));
        _oauth.RefreshDelay = TimeSpan.FromMilliseconds(400);
        var (_, client) = await NewClientAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync(client, "/v1/messages", Requests.Messages())));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.Equal(1, _oauth.RefreshCalls);
        Assert.Equal("refresh_token", _oauth.LastForm["grant_type"]);
        Assert.Equal(refresh, _oauth.LastForm["refresh_token"]);
        Assert.Equal(FakeOAuthProvider.ClientId, _oauth.LastForm["client_id"]);
        var fresh = _oauth.CurrentAccessToken;
        Assert.NotEqual(access, fresh);
        Assert.Equal(20, Fake.Count(prefix));
        Assert.All(Fake.Requests(prefix), r => Assert.Equal("Bearer " + fresh, r.Header("authorization")));

        // The rotated refresh token is written through: the store holds the new set, and the next request needs no refresh.
        var stored = await StoredTokensAsync(id);
        Assert.Equal(fresh, stored.AccessToken);
        Assert.Equal(_oauth.CurrentRefreshToken, stored.RefreshToken);
        Assert.NotEqual(refresh, stored.RefreshToken);
        var (again, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, _oauth.RefreshCalls);

        var oauth = (await ViewAsync(id))["oauth"]!.AsObject();
        Assert.NotNull(oauth["lastRefreshAt"]);
        Assert.True(oauth["expiresAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(50));
    }

    [Fact]
    public async Task A_401_for_a_token_the_relay_thought_valid_refreshes_once_and_retries_on_the_same_account()
    {
        var (id, prefix, access, _) = await AddOAuthAccountAsync(TimeSpan.FromHours(1));
        var (_, client) = await NewClientAsync();
        _oauth.RotateAccessToken();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _oauth.RefreshCalls);
        var sent = Fake.Requests(prefix);
        Assert.Equal(2, sent.Count);
        Assert.Equal("Bearer " + access, sent[0].Header("authorization"));
        Assert.Equal("Bearer " + _oauth.CurrentAccessToken, sent[1].Header("authorization"));
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
    }

    [Fact]
    public async Task A_second_401_after_the_refresh_puts_the_account_in_error()
    {
        var (id, prefix, _, _) = await AddOAuthAccountAsync(TimeSpan.FromHours(1));
        Fake.AcceptOnlyBearer(prefix, _ => false);
        var (backup, backupPrefix) = await AddAccountAsync("ok", priority: 90);
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Fake.Count(prefix));
        Assert.Equal(1, _oauth.RefreshCalls);
        Assert.Equal(1, Fake.Count(backupPrefix));
        Assert.Equal("error", (await Relay.GetAccountAsync(id)).State);
        Assert.Equal("active", (await Relay.GetAccountAsync(backup.Id)).State);
    }

    [Fact]
    public async Task A_revoked_refresh_token_puts_the_account_in_error_fails_over_and_keeps_the_stored_tokens()
    {
        var (id, prefix, access, refresh) = await AddOAuthAccountAsync(TimeSpan.Zero);
        var (_, backupPrefix) = await AddAccountAsync("ok", priority: 90);
        var (_, client) = await NewClientAsync();
        _oauth.Revoke();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Fake.Count(prefix));
        Assert.Equal(1, Fake.Count(backupPrefix));
        var account = await Relay.GetAccountAsync(id);
        Assert.Equal("error", account.State);
        Assert.Equal(InvalidGrantReason, account.Reason);
        var view = await ViewAsync(id);
        Assert.Equal(InvalidGrantReason, view["oauth"]!["refreshError"]!.GetValue<string>());

        var stored = await StoredTokensAsync(id);
        Assert.Equal(access, stored.AccessToken);
        Assert.Equal(refresh, stored.RefreshToken);

        // Traffic keeps away from it; a forced refresh says why it cannot work.
        var (next, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, Fake.Count(backupPrefix));
        using var forced = await Relay.Admin.PostAsync($"api/accounts/{id}/refresh", null);
        Assert.Equal(HttpStatusCode.Conflict, forced.StatusCode);
        Assert.Contains("invalid_grant", await forced.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Importing a new sign-in (PATCH tokens) brings it back.
        var (newAccess, newRefresh) = _oauth.SignIn();
        Relay.AddKnownSecret(newAccess);
        using var patched = await Relay.Admin.PatchAsJsonAsync($"api/accounts/{id}", new { tokens = new { accessToken = newAccess, refreshToken = newRefresh, expiresIn = 3600 } });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
        Assert.Null((await ViewAsync(id))["oauth"]!["refreshError"]);
        var (back, _) = await PostAsync(client, "/v1/messages", NewConversation());
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("Bearer " + newAccess, Assert.Single(Fake.Requests(prefix)).Header("authorization"));
    }

    [Fact]
    public async Task A_token_endpoint_that_is_down_fails_over_without_error_and_the_next_request_after_it_is_back_refreshes()
    {
        var (id, prefix, _, _) = await AddOAuthAccountAsync(TimeSpan.Zero);
        var (_, backupPrefix) = await AddAccountAsync("ok", priority: 90);
        var (_, client) = await NewClientAsync();
        _oauth.Down = true;

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Fake.Count(backupPrefix));
        Assert.Equal(0, Fake.Count(prefix));
        var account = await Relay.GetAccountAsync(id);
        Assert.Equal("cooling", account.State);
        Assert.NotNull((await StoredTokensAsync(id)).RefreshToken);

        _oauth.Down = false;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (Fake.Count(prefix) == 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(250);
            var (next, _) = await PostAsync(client, "/v1/messages", NewConversation());
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        Assert.Equal("Bearer " + _oauth.CurrentAccessToken, Assert.Single(Fake.Requests(prefix)).Header("authorization"));
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
        Assert.Null((await ViewAsync(id))["oauth"]!["refreshError"]);
    }

    [Fact]
    public async Task A_forced_refresh_answers_the_view_and_no_answer_or_view_contains_a_token()
    {
        var (id, _, access, refresh) = await AddOAuthAccountAsync(TimeSpan.FromHours(1));

        using var forced = await Relay.Admin.PostAsync($"api/accounts/{id}/refresh", null);
        var forcedBody = await forced.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, forced.StatusCode);
        Assert.Equal(1, _oauth.RefreshCalls);
        Assert.NotNull(JsonNode.Parse(forcedBody)!["oauth"]!["lastRefreshAt"]);

        using var list = await Relay.Admin.GetAsync("api/accounts");
        using var one = await Relay.Admin.GetAsync("api/accounts/" + id);
        using var invalid = await Relay.Admin.PatchAsJsonAsync($"api/accounts/{id}", new { tokens = new { refreshToken = refresh } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var bodies = new[] { forcedBody, await list.Content.ReadAsStringAsync(), await one.Content.ReadAsStringAsync(), await invalid.Content.ReadAsStringAsync() };
        var tokens = _oauth.IssuedTokens.Append(access).Append(refresh).ToList();
        Assert.All(bodies, body => Assert.All(tokens, t => Assert.DoesNotContain(t, body, StringComparison.Ordinal)));
        Assert.Contains("tokens.accessToken", bodies[3], StringComparison.Ordinal);
        Assert.Contains(Relay.Logs, l => l.Text.Contains(id, StringComparison.Ordinal) && l.Text.Contains("refreshed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_refresh_token_the_access_token_is_used_and_a_forced_refresh_is_refused_without_harm()
    {
        var (id, prefix, access, _) = await AddOAuthAccountAsync(TimeSpan.FromSeconds(30), withRefreshToken: false);
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        using var forced = await Relay.Admin.PostAsync($"api/accounts/{id}/refresh", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer " + access, Assert.Single(Fake.Requests(prefix)).Header("authorization"));
        Assert.Equal(HttpStatusCode.Conflict, forced.StatusCode);
        Assert.Contains("no refresh token", await forced.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _oauth.RefreshCalls);
        Assert.Equal("active", (await Relay.GetAccountAsync(id)).State);
        Assert.False((await ViewAsync(id))["oauth"]!["hasRefreshToken"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"oauth\":{\"provider\":\"nope\"},\"tokens\":{\"accessToken\":\"abc\"}}", "oauth.provider")]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"tokens\":{\"accessToken\":\"abc\"}}", "oauth.provider")]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"oauth\":{\"provider\":\"fake\"}}", "tokens")]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"oauth\":{\"provider\":\"fake\"},\"tokens\":{\"refreshToken\":\"r\"}}", "tokens.accessToken")]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"oauth\":{\"provider\":\"fake\"},\"tokens\":{\"accessToken\":\"a\",\"expiresIn\":-1}}", "tokens.expiresIn")]
    [InlineData("{\"name\":\"o\",\"type\":\"oauth\",\"oauth\":{\"provider\":\"fake\"},\"secret\":\"s\",\"tokens\":{\"accessToken\":\"a\"}}", "secret")]
    [InlineData("{\"name\":\"o\",\"secret\":\"s\",\"tokens\":{\"accessToken\":\"a\"}}", "tokens")]
    public async Task Invalid_oauth_accounts_are_refused_naming_the_field(string body, string field)
    {
        using var response = await Relay.Admin.PostAsync("api/accounts", Requests.Json(body));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{field}'", text, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Prefix, string Access, string Refresh)> AddOAuthAccountAsync(TimeSpan expiresIn, int priority = 10, bool withRefreshToken = true)
    {
        var prefix = NewPrefix("oauth");
        var (access, refresh) = _oauth.SignIn();
        Relay.AddKnownSecret(access);
        Relay.AddKnownSecret(refresh);
        Fake.AcceptOnlyBearer(prefix, _oauth.IsValidAccessToken);
        using var response = await Relay.Admin.PostAsJsonAsync("api/accounts", new
        {
            name = prefix,
            baseUrl = Fake.BaseUrl(prefix),
            type = "oauth",
            oauth = new { provider = "fake" },
            tokens = withRefreshToken
                ? (object)new { accessToken = access, refreshToken = refresh, expiresIn = (int)expiresIn.TotalSeconds }
                : new { accessToken = access, expiresIn = (int)expiresIn.TotalSeconds },
            priority,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.DoesNotContain(access, body, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, body, StringComparison.Ordinal);
        return (JsonNode.Parse(body)!["id"]!.GetValue<string>(), prefix, access, refresh);
    }

    /// <summary>A request of a conversation of its own, so stickiness does not keep it on the account that served the last one.</summary>
    private static string NewConversation() => Requests.Messages(text: "Hello " + Guid.NewGuid().ToString("N"));

    private async Task<JsonObject> ViewAsync(string id)
    {
        using var response = await Relay.Admin.GetAsync("api/accounts/" + id);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(_oauth.IssuedTokens, t => Assert.DoesNotContain(t, body, StringComparison.Ordinal));
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<OAuthTokenSet> StoredTokensAsync(string id)
    {
        var record = await Relay.Services.GetRequiredService<IConfigStore>().GetAccountAsync(id);
        return OAuthTokenSet.Parse(Relay.Services.GetRequiredService<SecretProtector>().Unprotect(record!.TokensCiphertext!));
    }
}
