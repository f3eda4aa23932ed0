using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Models.Models;
using OpenAI;
using OpenAI.Models;
using Relay.Core.Policies;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: answered by the relay from what the key can reach, in the
/// caller's shape (Anthropic's for clients that send <c>anthropic-version</c> and under <c>/claude</c>, OpenAI's
/// otherwise and under <c>/openai</c>), parsed by both official .NET SDKs. No upstream is called.
/// </summary>
public sealed class ModelListTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    // Literal model lists keep the expected names independent of the shipped price table.
    private static readonly string[] ClaudeModels = ["claude-haiku-4-5", "claude-sonnet-4-5", "team-default"];
    private static readonly string[] OpenAIModels = ["fast", "gpt-4o", "gpt-4o-mini"];
    private static readonly string[] AllModels = Sorted([.. ClaudeModels, .. OpenAIModels]);

    private static string[] Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private string _claudePrefix = null!;
    private string _claudeId = null!;
    private string _openaiId = null!;
    private DateTimeOffset _before;
    private DateTimeOffset _after;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _before = DateTimeOffset.UtcNow.AddSeconds(-1);
        _claudePrefix = NewPrefix("ok");
        _claudeId = (await Relay.CreateAccountAsync(new AccountSpec
        {
            Name = _claudePrefix,
            BaseUrl = Fake.BaseUrl(_claudePrefix),
            Models = ["claude-sonnet-4-5", "claude-haiku-4-5"],
            ModelMap = new Dictionary<string, string> { ["team-default"] = "claude-sonnet-4-5" },
        })).Id;
        _openaiId = await AddOpenAIAccountAsync("gpt", ["gpt-4o", "gpt-4o-mini"], new() { ["fast"] = "gpt-4o-mini" });
        _after = DateTimeOffset.UtcNow.AddSeconds(1);
    }

    private async Task<string> AddOpenAIAccountAsync(string name, string[] models, Dictionary<string, string> map, bool shared = true)
    {
        var body = new JsonObject
        {
            ["name"] = name,
            ["platform"] = "openai",
            ["baseUrl"] = FakeAnthropicUpstream.ClosedPortUrl() + "/v1",
            ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
            ["models"] = new JsonArray([.. models.Select(m => (JsonNode?)JsonValue.Create(m))]),
            ["modelMap"] = new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
            ["shared"] = shared,
        };
        using var response = await Relay.Admin.PostAsJsonAsync("api/accounts", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private AnthropicClient AnthropicSdk(string key, bool authToken = false) =>
        authToken
            ? new AnthropicClient { AuthToken = key, BaseUrl = Relay.Url, MaxRetries = 0 }
            : new AnthropicClient { ApiKey = key, BaseUrl = Relay.Url, MaxRetries = 0 };

    private OpenAIModelClient OpenAISdk(string key, string path = "/v1") =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(Relay.Url + path), RetryPolicy = new ClientRetryPolicy(0) });

    /// <summary>A raw GET with exactly the given headers.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? xApiKey = null, string? bearer = null, bool anthropicVersion = false, string? userAgent = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri(Relay.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (xApiKey is not null)
        {
            request.Headers.Add("x-api-key", xApiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (anthropicVersion)
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        if (userAgent is not null)
        {
            request.Headers.UserAgent.ParseAdd(userAgent);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string[] Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];

    private async Task<string[]> AnthropicIdsAsync(string key)
    {
        var (status, body) = await GetAsync("/v1/models?limit=1000", xApiKey: key, anthropicVersion: true);
        Assert.Equal(HttpStatusCode.OK, status);
        return Ids(body);
    }

    [Fact]
    public async Task The_anthropic_sdk_lists_the_keys_models_and_pages_through_them()
    {
        var key = await Relay.CreateKeyAsync();
        var client = AnthropicSdk(key.Key);

        var page = await client.Models.List();
        var paged = new List<ModelInfo>();
        await foreach (var model in (await client.Models.List(new ModelListParams { Limit = 2 })).Paginate())
        {
            paged.Add(model);
        }

        Assert.Equal(AllModels, page.Items.Select(m => m.ID));
        Assert.Equal(AllModels, paged.Select(m => m.ID));
        var alias = Assert.Single(page.Items, m => m.ID == "team-default");
        Assert.Equal("team-default", alias.DisplayName);
        Assert.InRange(alias.CreatedAt, _before, _after);
        Assert.Equal(0, Fake.Count(_claudePrefix));
    }

    [Fact]
    public async Task The_anthropic_sdk_with_an_auth_token_gets_anthropics_shape_too()
    {
        var key = await Relay.CreateKeyAsync();

        var page = await AnthropicSdk(key.Key, authToken: true).Models.List();

        Assert.Equal(AllModels, page.Items.Select(m => m.ID));
    }

    [Fact]
    public async Task The_anthropic_sdk_retrieves_a_reachable_model_and_gets_404_otherwise()
    {
        var key = await Relay.CreateKeyAsync();
        var client = AnthropicSdk(key.Key);

        var model = await client.Models.Retrieve("team-default");
        var missing = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => client.Models.Retrieve("claude-opus-4-5"));
        var (status, body) = await GetAsync("/v1/models/claude-opus-4-5", xApiKey: key.Key, anthropicVersion: true);

        Assert.Equal("team-default", model.ID);
        Assert.InRange(model.CreatedAt, _before, _after);
        Assert.Contains("NotFound", missing.GetType().Name, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_openai_sdk_lists_and_retrieves_with_the_owner_by_platform()
    {
        var key = await Relay.CreateKeyAsync();

        var models = (await OpenAISdk(key.Key).GetModelsAsync()).Value;
        var underPrefix = (await OpenAISdk(key.Key, "/openai/v1").GetModelsAsync()).Value;
        var fast = (await OpenAISdk(key.Key).GetModelAsync("fast")).Value;
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => OpenAISdk(key.Key).GetModelAsync("claude-opus-4-5"));

        Assert.Equal(AllModels, models.Select(m => m.Id));
        Assert.Equal(AllModels, underPrefix.Select(m => m.Id));
        Assert.Equal("anthropic", models.Single(m => m.Id == "team-default").OwnedBy);
        Assert.Equal("openai", models.Single(m => m.Id == "gpt-4o").OwnedBy);
        Assert.InRange(models[0].CreatedAt, _before, _after);
        Assert.Equal("openai", fast.OwnedBy);
        Assert.Equal(404, missing.Status);
        var (status, body) = await GetAsync("/v1/models/claude-opus-4-5", bearer: key.Key);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("model", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_shape_follows_the_prefix_and_else_the_anthropic_version_header()
    {
        var key = await Relay.CreateKeyAsync();

        var (_, bare) = await GetAsync("/v1/models", xApiKey: key.Key);
        var (_, anthropic) = await GetAsync("/api/v1/models", xApiKey: key.Key, anthropicVersion: true);
        var (_, openaiPrefix) = await GetAsync("/openai/v1/models", xApiKey: key.Key, anthropicVersion: true);
        var (_, claudePrefix) = await GetAsync("/claude/v1/models", bearer: key.Key);
        var (_, one) = await GetAsync("/claude/v1/models/fast", bearer: key.Key);

        Assert.Equal("list", bare.GetProperty("object").GetString());
        Assert.Equal("model", bare.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.False(anthropic.GetProperty("has_more").GetBoolean());
        Assert.Equal("model", anthropic.GetProperty("data")[0].GetProperty("type").GetString());
        Assert.Equal("list", openaiPrefix.GetProperty("object").GetString());
        Assert.Equal(AllModels[0], claudePrefix.GetProperty("first_id").GetString());
        Assert.Equal(AllModels[^1], claudePrefix.GetProperty("last_id").GetString());
        Assert.Equal("fast", one.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task Without_a_valid_key_each_shape_answers_401_in_its_own_error_format()
    {
        var (anthropicStatus, anthropic) = await GetAsync("/v1/models", anthropicVersion: true);
        var (openaiStatus, openai) = await GetAsync("/v1/models");
        var (wrongStatus, wrong) = await GetAsync("/openai/v1/models/gpt-4o", bearer: "cr_" + RelayServer.RandomToken(43));
        var sdk = await Assert.ThrowsAsync<ClientResultException>(() => OpenAISdk("cr_" + RelayServer.RandomToken(43)).GetModelsAsync());
        var anthropicSdk = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => AnthropicSdk("cr_" + RelayServer.RandomToken(43)).Models.List());

        Assert.Equal(HttpStatusCode.Unauthorized, anthropicStatus);
        Assert.Equal("error", anthropic.GetProperty("type").GetString());
        Assert.Equal("authentication_error", anthropic.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, openaiStatus);
        Assert.False(openai.TryGetProperty("type", out _));
        Assert.Equal("authentication_error", openai.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal("authentication_error", wrong.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(401, sdk.Status);
        Assert.Contains("Unauthorized", anthropicSdk.GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_follows_the_keys_model_rules_and_platforms()
    {
        var denyGpt = await Relay.CreateKeyAsync();
        var claudeOnly = await Relay.CreateKeyAsync();
        var openaiPlatform = await Relay.CreateKeyAsync();
        await Relay.SetKeyPolicyAsync(denyGpt.Id, new KeyPolicy([], Models(deny: ["gpt-*"]), []));
        await Relay.SetKeyPolicyAsync(claudeOnly.Id, new KeyPolicy([], Models(allow: ["claude-*"]), []));
        await Relay.SetKeyPolicyAsync(openaiPlatform.Id, new KeyPolicy(["openai"], ModelRules.Any, []));

        // Rules apply to the name the client sends, as admission does: the alias "fast" is not a gpt-* name.
        Assert.Equal(Sorted([.. ClaudeModels, "fast"]), await AnthropicIdsAsync(denyGpt.Key));
        Assert.Equal(["claude-haiku-4-5", "claude-sonnet-4-5"], await AnthropicIdsAsync(claudeOnly.Key));
        Assert.Equal(OpenAIModels, await AnthropicIdsAsync(openaiPlatform.Key));
        Assert.Equal(OpenAIModels, (await OpenAISdk(openaiPlatform.Key).GetModelsAsync()).Value.Select(m => m.Id));
    }

    [Fact]
    public async Task Group_and_dedicated_bindings_narrow_the_list_to_their_accounts()
    {
        var privateId = await AddOpenAIAccountAsync("private", ["o3"], [], shared: false);
        var groupId = await Relay.CreateGroupAsync("reasoning", privateId);
        var grouped = await Relay.CreateKeyAsync();
        var dedicated = await Relay.CreateKeyAsync();
        var dedicatedWithFallback = await Relay.CreateKeyAsync();
        var unbound = await Relay.CreateKeyAsync();
        await Relay.SetKeyPolicyAsync(grouped.Id, new KeyPolicy([], ModelRules.Any, [], Group: groupId));
        await Relay.SetKeyPolicyAsync(dedicated.Id, new KeyPolicy([], ModelRules.Any, [], Account: _claudeId));
        await Relay.SetKeyPolicyAsync(dedicatedWithFallback.Id, new KeyPolicy([], ModelRules.Any, [], Group: groupId, Account: _claudeId, FallbackToPool: true));

        Assert.Equal(["o3"], await AnthropicIdsAsync(grouped.Key));
        Assert.Equal(ClaudeModels, await AnthropicIdsAsync(dedicated.Key));
        Assert.Equal(Sorted([.. ClaudeModels, "o3"]), await AnthropicIdsAsync(dedicatedWithFallback.Key));
        Assert.Equal(AllModels, await AnthropicIdsAsync(unbound.Key));
        Assert.NotEqual(_openaiId, privateId);
    }

    [Fact]
    public async Task A_key_that_reaches_nothing_gets_an_empty_list_in_each_shape()
    {
        var key = await Relay.CreateKeyAsync();
        var emptyGroup = await Relay.CreateGroupAsync("nobody");
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Group: emptyGroup));

        var (status, anthropic) = await GetAsync("/v1/models", xApiKey: key.Key, anthropicVersion: true);
        var openai = (await OpenAISdk(key.Key).GetModelsAsync()).Value;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Ids(anthropic));
        Assert.False(anthropic.GetProperty("has_more").GetBoolean());
        Assert.Equal(JsonValueKind.Null, anthropic.GetProperty("first_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, anthropic.GetProperty("last_id").ValueKind);
        Assert.Empty(openai);
    }

    [Fact]
    public async Task Paging_follows_limit_after_id_and_before_id_like_anthropics()
    {
        var key = (await Relay.CreateKeyAsync()).Key;

        var (_, first) = await GetAsync("/v1/models?limit=4", xApiKey: key, anthropicVersion: true);
        var (_, next) = await GetAsync("/v1/models?limit=4&after_id=" + first.GetProperty("last_id").GetString(), xApiKey: key, anthropicVersion: true);
        var (_, back) = await GetAsync("/v1/models?limit=4&before_id=" + next.GetProperty("first_id").GetString(), xApiKey: key, anthropicVersion: true);
        var (_, backFromEnd) = await GetAsync("/v1/models?limit=2&before_id=gpt-4o-mini", xApiKey: key, anthropicVersion: true);
        var (_, pastEnd) = await GetAsync("/v1/models?after_id=zzz", xApiKey: key, anthropicVersion: true);

        Assert.Equal(AllModels[..4], Ids(first));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal(AllModels[4..], Ids(next));
        Assert.False(next.GetProperty("has_more").GetBoolean());
        Assert.Equal(AllModels[..4], Ids(back));
        Assert.False(back.GetProperty("has_more").GetBoolean());
        Assert.Equal(["fast", "gpt-4o"], Ids(backFromEnd));
        Assert.True(backFromEnd.GetProperty("has_more").GetBoolean());
        Assert.Empty(Ids(pastEnd));

        foreach (var query in new[] { "limit=0", "limit=1001", "limit=ten", "after_id=a&before_id=b" })
        {
            var (status, error) = await GetAsync("/v1/models?" + query, xApiKey: key, anthropicVersion: true);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task Listing_spends_no_limit_and_records_no_usage_but_a_client_refusal_is_recorded()
    {
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("requests", "60s", 1), Rule("concurrency", null, 1));

        for (var i = 0; i < 3; i++)
        {
            using var list = await client.GetAsync("v1/models");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, ["claude-code"]));
        var (status, refusal) = await GetAsync("/v1/models", bearer: key.Key, userAgent: "curl/8.5.0");

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("permission_error", refusal.GetProperty("error").GetProperty("type").GetString());
        var events = await Relay.WaitForUsageAsync(2);
        Assert.Equal(2, events.Count);
        Assert.Equal(200, events[0].Status);
        Assert.Equal(Requests.DefaultModel, events[0].RequestedModel);
        Assert.Equal(403, events[1].Status);
        Assert.Equal("policy_denied", events[1].ErrorClass);
        Assert.Null(events[1].AccountId);
    }

    [Fact]
    public async Task The_list_is_the_one_api_me_shows()
    {
        var key = await Relay.CreateKeyAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], Models(deny: ["claude-haiku-*"]), []));

        var (_, me, _) = await Relay.GetMeAsync(key.Key);

        Assert.Equal(me.GetProperty("models").EnumerateArray().Select(m => m.GetString()!), await AnthropicIdsAsync(key.Key));
    }
}
