using System.Net;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>Limits on an account: traffic moves to another account when one reaches its limit, and a pool at its limits answers 429.</summary>
public sealed class AccountLimitTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task An_account_at_its_request_limit_passes_traffic_to_the_next_one()
    {
        var (first, firstPrefix) = await AddAccountAsync("ok", priority: 1);
        var (_, secondPrefix) = await AddAccountAsync("ok", priority: 2);
        await Relay.UpdateAccountAsync(first.Id, a => a with { Limits = [Rule("requests", "1h", 2)] });
        var (_, client) = await NewClientAsync();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        }

        Assert.Equal(2, Fake.Count(firstPrefix));
        Assert.Equal(3, Fake.Count(secondPrefix));

        using var view = await Relay.Admin.GetAsync("api/accounts/" + first.Id);
        using var json = System.Text.Json.JsonDocument.Parse(await view.Content.ReadAsStringAsync());
        var limit = Assert.Single(json.RootElement.GetProperty("status").GetProperty("limits").EnumerateArray());
        Assert.Equal(2m, limit.GetProperty("used").GetDecimal());
        Assert.Equal("account", limit.GetProperty("source").GetString());
    }

    [Fact]
    public async Task When_every_account_is_at_its_limit_the_client_gets_429_with_retry_after()
    {
        var (only, prefix) = await AddAccountAsync("ok");
        await Relay.UpdateAccountAsync(only.Id, a => a with { Limits = [Rule("requests", "60s", 1)] });
        var (_, client) = await NewClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        AssertAnthropicError(body, "rate_limit_error");
        Assert.InRange(int.Parse(Header(response, "retry-after")!, System.Globalization.CultureInfo.InvariantCulture), 1, 61);
        Assert.Equal(1, Fake.Count(prefix));
    }

    [Fact]
    public async Task A_concurrency_rule_on_an_account_caps_it_like_max_concurrency()
    {
        var (capped, cappedPrefix) = await AddAccountAsync("trickle", priority: 1);
        var (_, otherPrefix) = await AddAccountAsync("ok", priority: 2);
        await Relay.UpdateAccountAsync(capped.Id, a => a with { Limits = [Rule("concurrency", null, 1)] });
        var (_, client) = await NewClientAsync();

        var slow = PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        var deadline = Environment.TickCount64 + 10_000;
        while (Fake.Count(cappedPrefix) == 0 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(1, Fake.Count(otherPrefix));
        Assert.Equal(HttpStatusCode.OK, (await slow).Response.StatusCode);
    }
}
