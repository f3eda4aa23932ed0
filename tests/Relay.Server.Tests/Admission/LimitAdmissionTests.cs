using System.Net;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>
/// Key limits through the real relay: each kind at its boundary, the refusal's status, body and retry-after,
/// and the reserve/settle/refund cycle as the key holder sees it in <c>GET /api/me</c>.
/// The fake's "ok" answer uses 25 input + 15 output tokens on claude-sonnet-4-5 ($3/$15 per million): $0.0003.
/// </summary>
public sealed class LimitAdmissionTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private const decimal OkCost = 0.0003m;

    [Fact]
    public async Task A_request_rate_admits_exactly_max_then_429_with_retry_after_within_the_window()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("requests", "60s", 3));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        }

        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        AssertAnthropicError(body, "rate_limit_error");
        Assert.Contains("limit of 3 requests per 1m", body, StringComparison.Ordinal);
        Assert.InRange(int.Parse(Header(response, "retry-after")!, System.Globalization.CultureInfo.InvariantCulture), 1, 61);
        Assert.DoesNotContain(key.Key, body, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Id, body, StringComparison.Ordinal);
        Assert.Equal(3, Fake.Count(prefix));

        // The operator sees the key's state in its Control API view.
        using var view = await Relay.Admin.GetAsync("api/keys/" + key.Id);
        using var json = JsonDocument.Parse(await view.Content.ReadAsStringAsync());
        var status = Assert.Single(json.RootElement.GetProperty("limitStatus").EnumerateArray());
        Assert.Equal(3m, status.GetProperty("used").GetDecimal());
        Assert.Equal(0m, status.GetProperty("remaining").GetDecimal());
        Assert.Equal("key", status.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Counting_tokens_and_listing_models_do_not_spend_the_request_rate()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("requests", "60s", 1));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages/count_tokens", Requests.Messages())).Response.StatusCode);
        using (var models = await client.GetAsync("v1/models"))
        {
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
    }

    [Fact]
    public async Task A_daily_cost_budget_refuses_with_402_billing_error_until_the_reset()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("cost", "1d", OkCost * 2));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        AssertAnthropicError(body, "billing_error");
        Assert.Contains("daily budget of $0.0006", body, StringComparison.Ordinal);
        var retryAfter = int.Parse(Header(response, "retry-after")!, System.Globalization.CultureInfo.InvariantCulture);
        var untilMidnight = (DateTimeOffset.UtcNow.Date.AddDays(1) - DateTimeOffset.UtcNow.UtcDateTime).TotalSeconds;
        Assert.InRange(retryAfter, untilMidnight - 5, untilMidnight + 5);
    }

    [Fact]
    public async Task A_total_budget_has_no_retry_after()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("cost", "total", OkCost));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Contains("total budget", body, StringComparison.Ordinal);
        Assert.Null(Header(response, "retry-after"));
    }

    [Fact]
    public async Task Tokens_are_settled_with_the_real_usage_not_the_estimate()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("tokens", "5h", 1000), Rule("cost", "1w", 1));

        // A long prompt: the estimate (~1,000 tokens reserved) is far above the 40 tokens the fake reports.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: new string('x', 4000)))).Response.StatusCode);
        await Relay.WaitForUsageAsync(1);

        var (_, me, _) = await Relay.GetMeAsync(key.Key);
        var tokens = Limit(me, "tokens", "5h");
        var cost = Limit(me, "cost", "1w");
        Assert.Equal(40m, tokens.GetProperty("used").GetDecimal());
        Assert.Equal(960m, tokens.GetProperty("remaining").GetDecimal());
        Assert.Equal(OkCost, cost.GetProperty("used").GetDecimal());
        Assert.True(cost.TryGetProperty("resetsAt", out _));
    }

    [Fact]
    public async Task A_failed_request_refunds_tokens_and_cost_but_counts_as_a_request()
    {
        await AddAccountAsync("400");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("tokens", "60s", 100_000), Rule("cost", "1d", 5), Rule("requests", "60s", 10));

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/v1/messages", Requests.Messages(text: new string('y', 8000)))).Response.StatusCode);
        await Relay.WaitForUsageAsync(1);

        var (_, me, _) = await Relay.GetMeAsync(key.Key);
        Assert.Equal(0m, Limit(me, "tokens", "1m").GetProperty("used").GetDecimal());
        Assert.Equal(0m, Limit(me, "cost", "1d").GetProperty("used").GetDecimal());
        Assert.Equal(1m, Limit(me, "requests", "1m").GetProperty("used").GetDecimal());
    }

    [Fact]
    public async Task A_request_that_reached_no_upstream_is_refunded_entirely()
    {
        await AddAccountAsync("refused");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("requests", "60s", 1), Rule("tokens", "60s", 100_000));

        // The only account refuses connections: nothing was served, so nothing is spent.
        Assert.Equal(HttpStatusCode.BadGateway, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        await Relay.WaitForUsageAsync(1);

        var (_, me, _) = await Relay.GetMeAsync(key.Key);
        Assert.Equal(0m, Limit(me, "requests", "1m").GetProperty("used").GetDecimal());
        Assert.Equal(0m, Limit(me, "tokens", "1m").GetProperty("used").GetDecimal());
    }

    [Fact]
    public async Task Two_hundred_simultaneous_requests_against_a_limit_of_fifty_admit_exactly_fifty()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyLimitsAsync(key.Id, Rule("requests", "1h", 50));

        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 200).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode;
        })).ToArray();
        start.Set();
        var statuses = await Task.WhenAll(tasks);

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(50, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_live_added_total_budget_counts_what_the_key_already_spent()
    {
        await AddAccountAsync("ok");
        var (key, client) = await NewClientAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        }

        // $0.0009 already spent; a total budget of $0.001 leaves room for one more request.
        await Relay.SetKeyLimitsAsync(key.Id, Rule("cost", "total", 0.001m));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
    }

    private static JsonElement Limit(JsonElement me, string meter, string window) =>
        me.GetProperty("limits").EnumerateArray().Single(l =>
            l.GetProperty("meter").GetString() == meter && l.TryGetProperty("window", out var w) && w.GetString() == window);
}
