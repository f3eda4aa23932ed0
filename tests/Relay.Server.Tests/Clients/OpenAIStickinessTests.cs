using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// OpenAI-style conversations stick to one account like Claude Code's do: Responses by <c>prompt_cache_key</c>
/// (what Codex sends), Chat by a <c>session-id</c> header — so upstream prompt caches keep hitting.
/// </summary>
public sealed class OpenAIStickinessTests : IAsyncLifetime
{
    private FakeOpenAIUpstream _openai = null!;
    private RelayServer _relay = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIUpstream.StartAsync();
        _relay = await RelayServer.StartAsync();
        foreach (var prefix in new[] { "ok-a", "ok-b" })
        {
            using var created = await _relay.Admin.PostAsJsonAsync("api/accounts", new JsonObject
            {
                ["name"] = prefix,
                ["platform"] = "openai",
                ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
                ["shapes"] = new JsonArray("chat", "responses"),
                ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
            });
            Assert.True(created.IsSuccessStatusCode);
        }

        var key = await _relay.CreateKeyAsync();
        _client = new HttpClient { BaseAddress = new Uri(_relay.Url) };
        _client.DefaultRequestHeaders.Authorization = new("Bearer", key.Key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _relay.DisposeAsync();
        await _openai.DisposeAsync();
    }

    private string[] AccountsUsed() =>
        [.. new[] { "ok-a", "ok-b" }.Where(p => _openai.Count(p) > 0)];

    [Fact]
    public async Task Responses_with_one_prompt_cache_key_stay_on_one_account()
    {
        for (var i = 0; i < 8; i++)
        {
            using var response = await _client.PostAsync("/v1/responses", new StringContent(
                """{"model":"gpt-5","input":"Say hello","prompt_cache_key":"conversation-1"}""", Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode);
        }

        Assert.Single(AccountsUsed());
    }

    [Fact]
    public async Task Chat_with_one_session_id_header_stays_on_one_account()
    {
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("session-id", "conversation-2");
            using var response = await _client.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode);
        }

        Assert.Single(AccountsUsed());
    }
}
