using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>Azure OpenAI accounts: the deployment comes from the account's modelMap, the key goes in api-key, api-version in the query.</summary>
public sealed class AzureThroughRelayTests : IAsyncLifetime
{
    private FakeOpenAIUpstream _openai = null!;
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIUpstream.StartAsync();
        _relay = await RelayServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _openai.DisposeAsync();
    }

    [Fact]
    public async Task Chat_on_an_azure_account_goes_to_the_mapped_deployment_with_api_key_and_api_version()
    {
        var secret = "azure-" + RelayServer.RandomToken(32);
        using var created = await _relay.Admin.PostAsJsonAsync("api/accounts", new JsonObject
        {
            ["name"] = "azure-east",
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl("ok"),
            ["azure"] = new JsonObject { ["apiVersion"] = "2024-10-21" },
            ["modelMap"] = new JsonObject { ["gpt-4o"] = "prod-gpt4o" },
            ["secret"] = secret,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var key = await _relay.CreateKeyAsync();
        using var http = new HttpClient { BaseAddress = new Uri(_relay.Url) };
        http.DefaultRequestHeaders.Add("api-key", key.Key);

        using var response = await http.PostAsync("/openai/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello"}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(OpenAITranscripts.ChatText, JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var upstream = Assert.Single(_openai.Requests("ok"));
        var route = OpenAIRoute.Of(upstream);
        Assert.True(route.Azure);
        Assert.Equal("prod-gpt4o", route.Deployment);
        Assert.Equal("2024-10-21", route.ApiVersion);
        Assert.Equal(secret, upstream.Header("api-key"));
        Assert.Null(upstream.Header("authorization"));
        Assert.DoesNotContain(key.Key, string.Join("\n", upstream.Headers.Values), StringComparison.Ordinal);
    }
}
