using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Relay.Server.Forwarding;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>Subscription usage windows from upstream headers: shown on the account, and an exhausted one cools it until its reset.</summary>
public sealed class UsageWindowTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static void Unified(HttpContext context, string status, params (string Window, string Utilization, DateTimeOffset Reset, string Status)[] windows)
    {
        var headers = context.Response.Headers;
        headers["anthropic-ratelimit-unified-status"] = status;
        headers["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
        if (windows.Length > 0)
        {
            headers["anthropic-ratelimit-unified-reset"] = Unix(windows[0].Reset);
        }

        foreach (var (window, utilization, reset, windowStatus) in windows)
        {
            headers[$"anthropic-ratelimit-unified-{window}-utilization"] = utilization;
            headers[$"anthropic-ratelimit-unified-{window}-reset"] = Unix(reset);
            headers[$"anthropic-ratelimit-unified-{window}-status"] = windowStatus;
        }
    }

    [Fact]
    public async Task Unified_headers_on_good_answers_are_shown_and_the_latest_wins()
    {
        var prefix = NewPrefix("ok");
        var account = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix) });
        var fiveHours = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(3).ToUnixTimeSeconds());
        var sevenDays = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(4).ToUnixTimeSeconds());
        var utilization = "0.21";
        Fake.Script(prefix, async (context, _) =>
        {
            Unified(context, "allowed", ("5h", utilization, fiveHours, "allowed"), ("7d", "0.43", sevenDays, "allowed"));
            await FakeAnthropicUpstream.WriteJsonAsync(context, 200, UpstreamTranscripts.TextJson, Requests.DefaultModel);
        });
        var (_, client) = await NewClientAsync();

        Assert.False((await StatusAsync(account.Id)).TryGetProperty("usageWindows", out _));
        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var status = await StatusAsync(account.Id);
        Assert.Equal("active", status.GetProperty("state").GetString());
        var windows = status.GetProperty("usageWindows").EnumerateArray().ToArray();
        Assert.Equal(2, windows.Length);
        Assert.Equal("5h", windows[0].GetProperty("window").GetString());
        Assert.Equal(0.21, windows[0].GetProperty("utilization").GetDouble());
        Assert.Equal(fiveHours, windows[0].GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Equal("allowed", windows[0].GetProperty("status").GetString());
        Assert.Equal("7d", windows[1].GetProperty("window").GetString());
        Assert.Equal(0.43, windows[1].GetProperty("utilization").GetDouble());
        Assert.Equal(sevenDays, windows[1].GetProperty("resetsAt").GetDateTimeOffset());
        var firstSeen = status.GetProperty("usageWindowsObservedAt").GetDateTimeOffset();
        Assert.InRange(firstSeen, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        // A later answer replaces them (streamed this time).
        utilization = "0.35";
        Fake.Script(prefix, async (context, _) =>
        {
            Unified(context, "allowed_warning", ("5h", utilization, fiveHours, "allowed_warning"), ("7d", "0.44", sevenDays, "allowed"));
            FakeAnthropicUpstream.StartStream(context);
            await FakeAnthropicUpstream.WriteEventsAsync(context, UpstreamTranscripts.Render(UpstreamTranscripts.TextStream, Requests.DefaultModel), TimeSpan.Zero);
        });
        (response, var streamed) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("message_stop", streamed, StringComparison.Ordinal);
        status = await StatusAsync(account.Id);
        windows = status.GetProperty("usageWindows").EnumerateArray().ToArray();
        Assert.Equal(0.35, windows[0].GetProperty("utilization").GetDouble());
        Assert.Equal("allowed_warning", windows[0].GetProperty("status").GetString());
        Assert.Equal(0.44, windows[1].GetProperty("utilization").GetDouble());
        Assert.True(status.GetProperty("usageWindowsObservedAt").GetDateTimeOffset() >= firstSeen);
    }

    [Fact]
    public async Task A_429_with_the_5h_window_rejected_cools_the_account_until_that_reset_and_fails_over()
    {
        var prefix = NewPrefix("exhausted");
        var exhausted = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix), Priority = 1 });
        var (healthy, healthyPrefix) = await AddAccountAsync("ok", priority: 2);
        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(90).ToUnixTimeSeconds());
        Fake.Script(prefix, async (context, _) =>
        {
            context.Response.Headers["retry-after"] = "30";
            Unified(context, "rejected", ("5h", "1.0", reset, "rejected"), ("7d", "0.61", DateTimeOffset.UtcNow.AddDays(3), "allowed"));
            await FakeAnthropicUpstream.WriteJsonAsync(context, 429, UpstreamTranscripts.RateLimitErrorJson, null);
        });
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Fake.Count(prefix));
        Assert.Equal(1, Fake.Count(healthyPrefix));

        var status = await StatusAsync(exhausted.Id);
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.InRange(status.GetProperty("until").GetDateTimeOffset(), reset.AddSeconds(-1), reset.AddSeconds(1));
        var reason = status.GetProperty("reason").GetString()!;
        Assert.StartsWith("5-hour usage window exhausted; resets ", reason, StringComparison.Ordinal);
        Assert.Contains(reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), reason, StringComparison.Ordinal);
        var windows = status.GetProperty("usageWindows").EnumerateArray().ToArray();
        Assert.Equal("rejected", windows[0].GetProperty("status").GetString());
        Assert.Equal(1.0, windows[0].GetProperty("utilization").GetDouble());
        Assert.Equal("active", (await StatusAsync(healthy.Id)).GetProperty("state").GetString());

        // The next request does not try the exhausted account.
        (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_429_without_reset_headers_cools_as_before()
    {
        var prefix = NewPrefix("plain429");
        var limited = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix), Priority = 1 });
        await AddAccountAsync("ok", priority: 2);
        Fake.Script(prefix, async (context, _) =>
        {
            context.Response.Headers["retry-after"] = "30";
            context.Response.Headers["anthropic-ratelimit-unified-status"] = "rejected";
            context.Response.Headers["anthropic-ratelimit-unified-5h-status"] = "rejected";
            context.Response.Headers["anthropic-ratelimit-unified-5h-utilization"] = "1.0";
            await FakeAnthropicUpstream.WriteJsonAsync(context, 429, UpstreamTranscripts.RateLimitErrorJson, null);
        });
        var (_, client) = await NewClientAsync();

        var before = DateTimeOffset.UtcNow;
        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var status = await StatusAsync(limited.Id);
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.InRange(status.GetProperty("until").GetDateTimeOffset(), before.AddSeconds(29), DateTimeOffset.UtcNow.AddSeconds(31));
        Assert.Equal("upstream answered 429 rate_limit_error", status.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_codex_429_with_a_full_window_cools_the_account_until_that_window_resets()
    {
        await using var openai = await FakeOpenAIUpstream.StartAsync();
        var prefix = "codex429-" + Guid.NewGuid().ToString("N")[..6];
        var reset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(40).ToUnixTimeSeconds());
        openai.Script(prefix, async (context, _) =>
        {
            var headers = context.Response.Headers;
            headers["x-codex-primary-used-percent"] = "100";
            headers["x-codex-primary-window-minutes"] = "300";
            headers["x-codex-primary-reset-at"] = Unix(reset);
            headers["x-codex-secondary-used-percent"] = "64";
            headers["x-codex-secondary-window-minutes"] = "10080";
            headers["x-codex-secondary-reset-after-seconds"] = "400000";
            await FakeOpenAIUpstream.WriteJsonAsync(context, 429, OpenAITranscripts.RateLimitJson);
        });
        var accountId = await AddOpenAIAccountAsync(openai, prefix);
        var (_, client) = await NewClientAsync(bearer: true);

        using var response = await client.PostAsync("/v1/responses", new StringContent("""{"model":"gpt-5","input":"Say hello"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);

        var status = await StatusAsync(accountId);
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.InRange(status.GetProperty("until").GetDateTimeOffset(), reset.AddSeconds(-1), reset.AddSeconds(1));
        Assert.StartsWith("5-hour usage window exhausted; resets ", status.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1.0, status.GetProperty("usageWindows")[0].GetProperty("utilization").GetDouble());
    }

    private async Task<string> AddOpenAIAccountAsync(FakeOpenAIUpstream openai, string prefix)
    {
        using var created = await Relay.Admin.PostAsJsonAsync("api/accounts", new JsonObject
        {
            ["name"] = prefix,
            ["platform"] = "openai",
            ["baseUrl"] = openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = new JsonArray("responses"),
            ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
        });
        Assert.True(created.IsSuccessStatusCode);
        return JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Codex_headers_on_a_responses_account_are_shown_as_fractions()
    {
        await using var openai = await FakeOpenAIUpstream.StartAsync();
        var prefix = "codex-" + Guid.NewGuid().ToString("N")[..6];
        var secondaryReset = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(5).ToUnixTimeSeconds());
        openai.Script(prefix, async (context, _) =>
        {
            var headers = context.Response.Headers;
            headers["x-codex-primary-used-percent"] = "21";
            headers["x-codex-primary-window-minutes"] = "300";
            headers["x-codex-primary-reset-after-seconds"] = "3600";
            headers["x-codex-secondary-used-percent"] = "43";
            headers["x-codex-secondary-window-minutes"] = "10080";
            headers["x-codex-secondary-reset-at"] = Unix(secondaryReset);
            await FakeOpenAIUpstream.WriteJsonAsync(context, 200, OpenAITranscripts.Render(OpenAITranscripts.ResponsesTextJson, "gpt-5"));
        });
        var accountId = await AddOpenAIAccountAsync(openai, prefix);
        var (_, client) = await NewClientAsync(bearer: true);

        var before = DateTimeOffset.UtcNow;
        using var response = await client.PostAsync("/v1/responses", new StringContent("""{"model":"gpt-5","input":"Say hello"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var windows = (await StatusAsync(accountId)).GetProperty("usageWindows").EnumerateArray().ToArray();
        Assert.Equal(2, windows.Length);
        Assert.Equal("5h", windows[0].GetProperty("window").GetString());
        Assert.Equal(0.21, windows[0].GetProperty("utilization").GetDouble());
        Assert.InRange(windows[0].GetProperty("resetsAt").GetDateTimeOffset(), before.AddSeconds(3599), DateTimeOffset.UtcNow.AddSeconds(3601));
        Assert.False(windows[0].TryGetProperty("status", out _));
        Assert.Equal("7d", windows[1].GetProperty("window").GetString());
        Assert.Equal(0.43, windows[1].GetProperty("utilization").GetDouble());
        Assert.Equal(secondaryReset, windows[1].GetProperty("resetsAt").GetDateTimeOffset());
    }

    private async Task<JsonElement> StatusAsync(string accountId)
    {
        var text = await Relay.Admin.GetStringAsync("api/accounts/" + accountId);
        return JsonDocument.Parse(text).RootElement.GetProperty("status").Clone();
    }
}

/// <summary>The hot-path cost of looking for usage-window headers on a response that has none.</summary>
public sealed class UsageWindowReaderTests
{
    [Fact]
    public void A_response_without_usage_headers_costs_no_allocation()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("request-id", "req_011CT");
        response.Headers.TryAddWithoutValidation("anthropic-organization-id", "0f1e2d3c");
        response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-remaining", "49");
        response.Headers.TryAddWithoutValidation("x-request-id", "abc");
        response.Headers.TryAddWithoutValidation("cf-ray", "8f00");
        response.Headers.TryAddWithoutValidation("date", "Tue, 24 Nov 2026 03:05:39 GMT");

        // As SocketsHttpHandler leaves them: raw, unparsed values (a header already parsed into a typed value would be
        // formatted back to a string by the enumeration).
        var now = DateTimeOffset.UtcNow;
        Assert.Null(UsageWindowReader.Read(response, now));

        // The smallest of a few rounds, so a tier-up of the JIT landing in one round (its bookkeeping, not the reader's)
        // cannot fail the test when many tests run at once.
        var allocated = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                UsageWindowReader.Read(response, now);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_response_with_usage_headers_is_read()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Anthropic-Ratelimit-Unified-5h-Utilization", "0.5");
        response.Headers.TryAddWithoutValidation("anthropic-ratelimit-unified-5h-status", "allowed");
        var report = UsageWindowReader.Read(response, DateTimeOffset.UtcNow)!;
        Assert.Equal(0.5, Assert.Single(report.Windows).Utilization);
    }
}
