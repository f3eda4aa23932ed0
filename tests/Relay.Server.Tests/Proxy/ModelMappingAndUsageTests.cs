using System.Net;
using System.Text;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>What the relay bills: model mapping, token classes, prices.</summary>
public sealed class ModelMappingAndUsageTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mapped_model_reaches_upstream_and_both_names_are_recorded(bool stream)
    {
        var (account, prefix) = await AddAccountAsync("ok", modelMap: new Dictionary<string, string> { ["claude-x"] = "claude-sonnet-4-5-20250929" });
        var (key, client) = await NewClientAsync();
        var body = Requests.Messages(model: "claude-x", stream: stream, text: "map me \"please\"", extra: "\"temperature\": 0.5");

        var (response, received) = await PostAsync(client, "/v1/messages", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Equal("claude-sonnet-4-5-20250929", sent.Model);

        // Only the model value changed; every other byte is the client's.
        Assert.Equal(Encoding.UTF8.GetBytes(body.Replace("\"claude-x\"", "\"claude-sonnet-4-5-20250929\"", StringComparison.Ordinal)), sent.Body);

        // The answer names the model that served it.
        Assert.Contains("\"model\":\"claude-sonnet-4-5-20250929\"", received, StringComparison.Ordinal);

        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));
        Assert.Equal("claude-x", usage.RequestedModel);
        Assert.Equal("claude-sonnet-4-5-20250929", usage.UpstreamModel);
        Assert.Equal(account.Id, usage.AccountId);
        Assert.Equal(key.Id, usage.KeyId);
        Assert.Equal(stream, usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Null(usage.ErrorClass);
    }

    [Fact]
    public async Task Streamed_and_non_streamed_record_identical_token_counts_including_cache_classes()
    {
        await AddAccountAsync("cache");
        var (_, client) = await NewClientAsync();

        var (streamed, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        var (plain, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        var events = await Relay.WaitForUsageAsync(2);
        Assert.Equal(2, events.Count);
        foreach (var usage in events)
        {
            Assert.Equal(UpstreamTranscripts.CacheInput, usage.Tokens.Input);
            Assert.Equal(UpstreamTranscripts.CacheOutput, usage.Tokens.Output);
            Assert.Equal(UpstreamTranscripts.CacheWrite5m, usage.Tokens.CacheWrite5m);
            Assert.Equal(UpstreamTranscripts.CacheWrite1h, usage.Tokens.CacheWrite1h);
            Assert.Equal(UpstreamTranscripts.CacheRead, usage.Tokens.CacheRead);
        }

        Assert.Equal(events[0].Tokens, events[1].Tokens);
        Assert.Equal(events[0].Cost, events[1].Cost);
        Assert.Contains(events, e => e.Stream);
        Assert.Contains(events, e => !e.Stream);
    }

    [Fact]
    public async Task Cost_uses_each_token_class_price()
    {
        await AddAccountAsync("cache");
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(model: "claude-sonnet-4-5", stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = Assert.Single(await Relay.WaitForUsageAsync(1));

        // claude-sonnet-4-5: $3 input, $15 output, $3.75 5-minute write, $6 1-hour write, $0.30 read, per million tokens.
        var expected = (12m * 3 + 187m * 15 + 1000m * 3.75m + 2000m * 6 + 40000m * 0.30m) / 1_000_000m;
        Assert.Equal(expected, usage.Cost);
        Assert.Equal(0.030591m, usage.Cost);
    }

    [Fact]
    public async Task Usage_totals_are_reported_by_the_control_api()
    {
        await AddAccountAsync("cache");
        var (key, client) = await NewClientAsync();

        await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        await PostAsync(client, "/v1/messages", Requests.Messages());
        await Relay.WaitForUsageAsync(2);

        var report = await Relay.GetUsageAsync("key");
        Assert.Equal(2, report.Total.Requests);
        Assert.Equal(2 * UpstreamTranscripts.CacheInput, report.Total.InputTokens);
        Assert.Equal(2 * UpstreamTranscripts.CacheOutput, report.Total.OutputTokens);
        Assert.Equal(2 * UpstreamTranscripts.CacheWrite5m, report.Total.CacheWrite5mTokens);
        Assert.Equal(2 * UpstreamTranscripts.CacheWrite1h, report.Total.CacheWrite1hTokens);
        Assert.Equal(2 * UpstreamTranscripts.CacheRead, report.Total.CacheReadTokens);
        Assert.Equal(2 * 0.030591m, report.Total.Cost);
        var byKey = Assert.Single(report.Groups);
        Assert.Equal(key.Id, byKey.Group);
    }
}
