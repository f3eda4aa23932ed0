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
/// Subscription (OAuth) accounts of the built-in <c>claude</c> and <c>chatgpt</c> providers in tests: the providers'
/// token endpoints pointed at a <see cref="FakeOAuthProvider"/>, accounts created by token import
/// (<c>POST /api/accounts</c> with <c>type:"oauth"</c>, as an operator imports a sign-in), and a ChatGPT sign-in's account
/// id laid into the stored token set the way a sign-in (or a refresh's id token) records it.
/// </summary>
internal static class SubscriptionAccounts
{
    /// <summary>
    /// Relay settings pointing <paramref name="provider"/>'s token endpoint at <paramref name="oauth"/>. The fake speaks
    /// the form-encoded refresh grant, so the provider's token format is set to form (Claude's real endpoint takes JSON).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(FakeOAuthProvider oauth, string provider) =>
        oauth.Settings(provider).Append(new($"OAuthProviders:{provider}:TokenFormat", "form"));

    /// <summary>A Claude subscription account on <paramref name="baseUrl"/>, signed in at <paramref name="oauth"/>; every token is registered as a known secret.</summary>
    public static Task<(string Id, string Access)> AddClaudeAsync(RelayServer relay, FakeOAuthProvider oauth, string name, string baseUrl, TimeSpan expiresIn, int priority = 10) =>
        AddAsync(relay, oauth, new JsonObject
        {
            ["name"] = name,
            ["baseUrl"] = baseUrl,
            ["oauth"] = new JsonObject { ["provider"] = "claude" },
            ["priority"] = priority,
        }, expiresIn);

    /// <summary>
    /// A ChatGPT subscription account on the Codex backend under <paramref name="host"/> (<c>{host}/backend-api/codex</c>,
    /// platform openai, shape responses, as the built-in provider describes it), signed in at <paramref name="oauth"/>,
    /// whose token set names <paramref name="chatGptAccountId"/>.
    /// </summary>
    public static async Task<(string Id, string Access)> AddChatGptAsync(
        RelayServer relay, FakeOAuthProvider oauth, string name, string host, string chatGptAccountId, TimeSpan expiresIn, int priority = 10)
    {
        var (id, access) = await AddAsync(relay, oauth, new JsonObject
        {
            ["name"] = name,
            ["platform"] = "openai",
            ["baseUrl"] = host + FakeOpenAIUpstream.CodexBackendPath,
            ["shapes"] = new JsonArray("responses"),
            ["oauth"] = new JsonObject { ["provider"] = "chatgpt" },
            ["priority"] = priority,
        }, expiresIn);
        await SetAccountIdAsync(relay, id, chatGptAccountId);
        return (id, access);
    }

    /// <summary>
    /// Stores the account's token set again, naming <paramref name="chatGptAccountId"/> and issued now (so it is newer
    /// than the live one), and rebuilds the snapshot: what a sign-in records, and what a refresh that changes the id does.
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
            Plan = "plus",
        };
        Assert.True(await store.UpdateAccountTokensAsync(id, protector.Protect(named.ToJson())));
        await relay.RefreshSnapshotAsync();
    }

    public static async Task<OAuthTokenSet> StoredTokensAsync(RelayServer relay, string id)
    {
        var record = await relay.Services.GetRequiredService<IConfigStore>().GetAccountAsync(id);
        return OAuthTokenSet.Parse(relay.Services.GetRequiredService<SecretProtector>().Unprotect(record!.TokensCiphertext!));
    }

    /// <summary><c>GET /api/accounts/{id}</c> as JSON (checked to hold none of the fake's tokens).</summary>
    public static async Task<JsonObject> ViewAsync(RelayServer relay, FakeOAuthProvider oauth, string id)
    {
        using var response = await relay.Admin.GetAsync("api/accounts/" + id);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(oauth.IssuedTokens, t => Assert.DoesNotContain(t, body, StringComparison.Ordinal));
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

    private static async Task<(string Id, string Access)> AddAsync(RelayServer relay, FakeOAuthProvider oauth, JsonObject account, TimeSpan expiresIn)
    {
        var (access, refresh) = oauth.SignIn();
        relay.AddKnownSecret(access);
        relay.AddKnownSecret(refresh);
        account["type"] = "oauth";
        account["tokens"] = new JsonObject { ["accessToken"] = access, ["refreshToken"] = refresh, ["expiresIn"] = (int)expiresIn.TotalSeconds };
        using var response = await relay.Admin.PostAsJsonAsync("api/accounts", account);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.DoesNotContain(access, body, StringComparison.Ordinal);
        return (JsonNode.Parse(body)!["id"]!.GetValue<string>(), access);
    }
}
