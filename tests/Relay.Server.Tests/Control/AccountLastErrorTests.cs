using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.State;
using Relay.Server.Forwarding;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary><c>status.lastError</c> of the account view, filled by real failed attempts.</summary>
public sealed class AccountLastErrorTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task A_failed_attempt_is_the_last_error_until_a_reset_even_after_recovery()
    {
        var (failing, _) = await AddAccountAsync("500", priority: 1);
        var (healthy, _) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();
        Assert.False((await StatusAsync(healthy.Id)).TryGetProperty("lastError", out _));

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var status = await StatusAsync(failing.Id);
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        var lastError = status.GetProperty("lastError");
        Assert.Equal(500, lastError.GetProperty("status").GetInt32());
        Assert.Equal("Internal server error", lastError.GetProperty("message").GetString());
        Assert.InRange(lastError.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.False((await StatusAsync(healthy.Id)).TryGetProperty("lastError", out _));

        // Recovered (a good answer), the account is active again and still shows what happened.
        Relay.Services.GetRequiredService<IHotState>().ReportSuccess(failing.Id);
        var recovered = await StatusAsync(failing.Id);
        Assert.Equal("active", recovered.GetProperty("state").GetString());
        Assert.Equal(500, recovered.GetProperty("lastError").GetProperty("status").GetInt32());

        using var reset = await Relay.Admin.PostAsync($"api/accounts/{failing.Id}/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False((await StatusAsync(failing.Id)).TryGetProperty("lastError", out _));
    }

    [Fact]
    public async Task An_upstream_message_quoting_the_credential_is_masked()
    {
        var prefix = NewPrefix("quoting");
        var secret = "sk-proj-" + RelayServer.RandomToken(40);
        var account = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix), Secret = secret });
        Fake.Script(prefix, async (context, _) =>
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"error":{"message":"Incorrect API key provided: {{{secret}}}. You can find your API key at https://platform.openai.com.","type":"invalid_request_error","code":"invalid_api_key"}}""");
        });
        var (_, client) = await NewClientAsync();
        await PostAsync(client, "/v1/messages", Requests.Messages());

        var status = await StatusAsync(account.Id);
        Assert.Equal("error", status.GetProperty("state").GetString());
        var message = status.GetProperty("lastError").GetProperty("message").GetString()!;
        Assert.StartsWith("Incorrect API key provided: [redacted].", message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[..12], message, StringComparison.Ordinal);

        Assert.Equal("Key [redacted] is wrong: value [redacted]", UpstreamErrorText.Scrub("Key sk-proj-****abcd is wrong:\nvalue s3cr3t-value", "s3cr3t-value"));
        Assert.Equal("key [redacted] refused", UpstreamErrorText.Scrub("key 0123456789abcdef0123456789abcdef refused", null));
        Assert.Equal("anthropic-ratelimit-input-tokens-remaining is 0", UpstreamErrorText.Scrub("anthropic-ratelimit-input-tokens-remaining is 0", null));
    }

    private async Task<JsonElement> StatusAsync(string accountId)
    {
        var text = await Relay.Admin.GetStringAsync("api/accounts/" + accountId);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").Clone();
    }
}
