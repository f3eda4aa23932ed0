using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary><c>POST /api/accounts/{id}/test</c> against the fake upstreams: one real request through the forwarder.</summary>
public sealed class AccountTestApiTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task A_test_sends_one_tiny_request_with_the_accounts_credential_and_model_map_and_records_no_usage()
    {
        var prefix = NewPrefix("ok");
        var secret = "sk-ant-api03-" + RelayServer.RandomToken(32);
        var account = await Relay.CreateAccountAsync(new AccountSpec
        {
            Name = prefix,
            BaseUrl = Fake.BaseUrl(prefix),
            Secret = secret,
            ModelMap = new Dictionary<string, string> { ["fast"] = "claude-haiku-4-5-20251001" },
        });

        var (status, result) = await TestAsync(account.Id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("claude-haiku-4-5-20251001", result.GetProperty("model").GetString());
        Assert.Equal(UpstreamTranscripts.TextText, result.GetProperty("reply").GetString());
        Assert.InRange(result.GetProperty("latencyMs").GetInt32(), 0, 60_000);
        Assert.False(result.TryGetProperty("error", out _));

        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal(secret, sent.Headers["x-api-key"]);
        Assert.Equal("claude-haiku-4-5-20251001", sent.Model);
        Assert.False(sent.Stream);
        using var body = JsonDocument.Parse(sent.BodyText);
        Assert.Equal(16, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Equal("Reply with the single word: ok", body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());

        // An explicit model is sent as given (through the map, like a client's request).
        var (_, explicitModel) = await TestAsync(account.Id, """{"model":"fast"}""");
        Assert.Equal("fast", explicitModel.GetProperty("model").GetString());
        Assert.Equal("claude-haiku-4-5-20251001", Fake.Requests(prefix)[1].Model);

        Assert.Empty(await Relay.UsageEventsAsync());
        Assert.DoesNotContain(Relay.Logs, line => line.Text.Contains("fake upstream", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_credential_puts_the_account_in_error_and_a_passing_test_clears_it()
    {
        var prefix = NewPrefix("switchable");
        var account = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix) });
        var fixedUpstream = false;
        Fake.Script(prefix, async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            if (!Volatile.Read(ref fixedUpstream))
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync(UpstreamTranscripts.AuthErrorJson);
                return;
            }

            await context.Response.WriteAsync(UpstreamTranscripts.Render(UpstreamTranscripts.TextJson, request.Model ?? "m"));
        });

        var (_, failed) = await TestAsync(account.Id);
        Assert.False(failed.GetProperty("ok").GetBoolean());
        Assert.Equal(401, failed.GetProperty("status").GetInt32());
        Assert.Equal("invalid x-api-key", failed.GetProperty("error").GetString());
        Assert.Equal("claude-haiku-4-5", failed.GetProperty("model").GetString());
        Assert.False(failed.TryGetProperty("reply", out _));
        var broken = await Relay.GetAccountAsync(account.Id);
        Assert.Equal("error", broken.State);

        Volatile.Write(ref fixedUpstream, true);
        var (_, passed) = await TestAsync(account.Id);
        Assert.True(passed.GetProperty("ok").GetBoolean());
        Assert.Equal("active", (await Relay.GetAccountAsync(account.Id)).State);
    }

    [Fact]
    public async Task A_disabled_account_can_be_tested_and_stays_disabled()
    {
        var (account, prefix) = await AddAccountAsync("ok");
        using (var patch = await Relay.Admin.PatchAsync("api/accounts/" + account.Id, Requests.Json("""{"enabled":false,"models":["claude-*","claude-sonnet-4-5"]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        var (_, result) = await TestAsync(account.Id);

        Assert.True(result.GetProperty("ok").GetBoolean());
        Assert.Equal("claude-sonnet-4-5", result.GetProperty("model").GetString());
        Assert.Equal(1, Fake.Count(prefix));
        Assert.Equal("disabled", (await Relay.GetAccountAsync(account.Id)).State);
    }

    [Fact]
    public async Task An_openai_account_is_tested_in_its_own_shape()
    {
        await using var openAI = await FakeOpenAIUpstream.StartAsync();
        var prefix = NewPrefix("ok");
        using var created = await Relay.Admin.PostAsync("api/accounts", Requests.Json(
            $$"""{"name":"{{prefix}}","platform":"openai","baseUrl":"{{openAI.BaseUrl(prefix)}}","secret":"sk-proj-{{RelayServer.RandomToken(40)}}"}"""));
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var (_, result) = await TestAsync(id);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal("gpt-4o-mini", result.GetProperty("model").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("reply").GetString()));
        var sent = Assert.Single(openAI.Requests(prefix));
        Assert.EndsWith("/chat/completions", sent.Path, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":""}""")]
    [InlineData("""{"model":5}""")]
    [InlineData("""{"modle":"x"}""")]
    [InlineData("[]")]
    public async Task Bad_bodies_are_a_400(string body)
    {
        var (account, prefix) = await AddAccountAsync("ok");
        using var response = await Relay.Admin.PostAsync($"api/accounts/{account.Id}/test", Requests.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, Fake.Count(prefix));
    }

    [Fact]
    public async Task An_unknown_account_is_a_404()
    {
        var (status, result) = await TestAsync("acc_missing");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", result.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_chatgpt_sign_in_is_tested_with_the_streamed_request_the_codex_backend_accepts()
    {
        await using var codex = await FakeOpenAIUpstream.StartAsync();
        var prefix = NewPrefix("codex");
        codex.PlayCodexBackend(prefix, token => token == "codex-access-1", () => "acct-test-1");
        using var created = await Relay.Admin.PostAsync("api/accounts", Requests.Json(JsonSerializer.Serialize(new
        {
            name = prefix,
            type = "oauth",
            oauth = new { provider = "chatgpt" },
            baseUrl = codex.BaseUrl(prefix) + FakeOpenAIUpstream.CodexBackendPath,
            models = new[] { "gpt-5" },
            tokens = new { accessToken = "codex-access-1", expiresIn = 3600, accountId = "acct-test-1" },
        })));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var accountId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var (status, result) = await TestAsync(accountId);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(OpenAITranscripts.ResponsesText, result.GetProperty("reply").GetString());
        var sent = Assert.Single(codex.Requests(prefix));
        Assert.Equal(FakeOpenAIUpstream.CodexBackendPath + "/responses", sent.Path);
        Assert.True(sent.Stream);
        using var body = JsonDocument.Parse(sent.BodyText);
        Assert.False(body.RootElement.GetProperty("store").GetBoolean());
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("input").ValueKind);
        Assert.Equal("Reply with the single word: ok", body.RootElement.GetProperty("instructions").GetString());
        Assert.False(body.RootElement.TryGetProperty("max_output_tokens", out _));

        // The test's answer carried the plan's usage windows; the account shows them as after a real request.
        var view = JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/accounts/" + accountId)).RootElement;
        Assert.Equal("active", view.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(2, view.GetProperty("status").GetProperty("usageWindows").GetArrayLength());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> TestAsync(string accountId, string? body = null)
    {
        using var response = await Relay.Admin.PostAsync($"api/accounts/{accountId}/test", body is null ? null : Requests.Json(body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
