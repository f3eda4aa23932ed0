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
/// Subscription (OAuth) accounts of the built-in <c>claude</c> and <c>chatgpt</c> providers in tests, every endpoint
/// of the provider pointed at a <see cref="FakeOAuthProvider"/> (<see cref="FakeOAuthProvider.Settings"/>) and
/// nothing else changed: Relay speaks each provider's own token format. Accounts are created as an operator does,
/// through the Control API's sign-in: start, the browser at the authorize URL, paste back, complete. So the tokens,
/// their expiry and who signed in (a ChatGPT sign-in's account id comes from its id token) are what Relay itself
/// recorded from the provider's answer.
/// </summary>
internal static class SubscriptionAccounts
{
    /// <summary>A Claude subscription account on <paramref name="baseUrl"/>, signed in at <paramref name="oauth"/>.</summary>
    public static async Task<(string Id, string Access)> AddClaudeAsync(RelayServer relay, FakeOAuthProvider oauth, string name, string baseUrl, int priority = 10)
    {
        var (id, access, _) = await SignInAsync(relay, oauth, "claude", new JsonObject { ["name"] = name, ["baseUrl"] = baseUrl, ["priority"] = priority });
        return (id, access);
    }

    /// <summary>
    /// A ChatGPT subscription account on the Codex backend under <paramref name="host"/> (<c>{host}/backend-api/codex</c>;
    /// platform openai and shape responses come from the built-in provider), signed in at <paramref name="oauth"/> as
    /// ChatGPT account <paramref name="chatGptAccountId"/> (the claim in the id token the fake issues).
    /// </summary>
    public static async Task<(string Id, string Access)> AddChatGptAsync(
        RelayServer relay, FakeOAuthProvider oauth, string name, string host, string chatGptAccountId, int priority = 10)
    {
        oauth.ChatGptAccountId = chatGptAccountId;
        var (id, access, view) = await SignInAsync(relay, oauth, "chatgpt", new JsonObject
        {
            ["name"] = name,
            ["baseUrl"] = host + FakeOpenAIUpstream.CodexBackendPath,
            ["priority"] = priority,
        });
        Assert.Equal(chatGptAccountId, view["oauth"]?["accountId"]?.GetValue<string>());
        return (id, access);
    }

    /// <summary>
    /// Signs an account in through the Control API with the browser method: <c>POST …/{provider}/start</c> (a new
    /// account from <paramref name="account"/>, or <paramref name="accountId"/> signed in again), the authorize URL
    /// followed like a browser that does not follow redirects (Claude's page shows <c>CODE#STATE</c>; Codex's server
    /// redirects to the callback URL, pasted whole), then <c>…/complete</c>. Answers the account's id, the access token
    /// the provider issued (now a known secret of the relay, like every token and code of the sign-in) and the view.
    /// </summary>
    public static async Task<(string Id, string Access, JsonObject View)> SignInAsync(
        RelayServer relay, FakeOAuthProvider oauth, string provider, JsonObject? account, string? accountId = null)
    {
        var start = new JsonObject { ["method"] = "browser" };
        if (account is not null)
        {
            start["account"] = account;
        }

        if (accountId is not null)
        {
            start["accountId"] = accountId;
        }

        var (startStatus, started) = await PostAsync(relay, oauth, $"api/accounts/oauth/{provider}/start", start);
        Assert.True(startStatus == HttpStatusCode.Created, $"start answered {(int)startStatus}: {started.ToJsonString()}");
        var authorizeUrl = started["authorizeUrl"]!.GetValue<string>();
        Assert.StartsWith(oauth.BaseUrl + "/", authorizeUrl, StringComparison.Ordinal);

        var pasted = await FakeOAuthProvider.SignInAsync(authorizeUrl);
        RegisterSecrets(relay, oauth);
        var (status, view) = await PostAsync(relay, oauth, $"api/accounts/oauth/{provider}/complete", new JsonObject
        {
            ["sessionId"] = started["sessionId"]!.GetValue<string>(),
            ["code"] = pasted,
        });
        var expected = accountId is null ? HttpStatusCode.Created : HttpStatusCode.OK;
        Assert.True(status == expected, $"complete answered {(int)status}: {view.ToJsonString()}");
        RegisterSecrets(relay, oauth);
        return (view["id"]!.GetValue<string>(), oauth.CurrentAccessToken, view);
    }

    /// <summary>
    /// Stores the account's token set again, naming <paramref name="chatGptAccountId"/> and issued now (so it is newer
    /// than the live one), and rebuilds the snapshot: what a refresh whose id token names another account records.
    /// </summary>
    public static async Task SetAccountIdAsync(RelayServer relay, string id, string chatGptAccountId)
    {
        var store = relay.Services.GetRequiredService<IConfigStore>();
        var protector = relay.Services.GetRequiredService<SecretProtector>();
        var record = await store.GetAccountAsync(id);
        var stored = OAuthTokenSet.Parse(protector.Unprotect(record!.TokensCiphertext!));
        var named = new OAuthTokenSet
        {
            AccessToken = stored.AccessToken,
            RefreshToken = stored.RefreshToken,
            ExpiresAt = stored.ExpiresAt,
            TokenType = stored.TokenType,
            Scope = stored.Scope,
            IssuedAt = DateTimeOffset.UtcNow.AddMilliseconds(1),
            LastRefreshAt = stored.LastRefreshAt,
            AccountId = chatGptAccountId,
            Email = stored.Email,
            Plan = stored.Plan,
        };
        Assert.True(await store.UpdateAccountTokensAsync(id, protector.Protect(named.ToJson())));
        await relay.RefreshSnapshotAsync();
    }

    /// <summary><c>GET /api/accounts/{id}</c> as JSON (checked to hold none of the fake's tokens).</summary>
    public static async Task<JsonObject> ViewAsync(RelayServer relay, FakeOAuthProvider oauth, string id)
    {
        using var response = await relay.Admin.GetAsync("api/accounts/" + id);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertNoSecret(oauth, body, "GET /api/accounts/{id}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Registers every token the fake issued as a secret no log line may hold.</summary>
    public static void RegisterSecrets(RelayServer relay, FakeOAuthProvider oauth)
    {
        foreach (var token in oauth.IssuedTokens)
        {
            relay.AddKnownSecret(token);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(RelayServer relay, FakeOAuthProvider oauth, string path, JsonObject body)
    {
        using var response = await relay.Admin.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        AssertNoSecret(oauth, text, "POST /" + path);
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!.AsObject());
    }

    /// <summary>A Control API answer holds no token, code or verifier of the sign-in; the message names the route, not the secret.</summary>
    private static void AssertNoSecret(FakeOAuthProvider oauth, string answer, string route) =>
        Assert.False(oauth.IssuedTokens.Any(t => answer.Contains(t, StringComparison.Ordinal)), $"The answer of {route} holds a token, code or verifier of the sign-in");
}
