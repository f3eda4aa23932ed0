namespace Relay.Server.Tests.Control;

public sealed class PriceApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    [Fact]
    public async Task Lists_shipped_prices()
    {
        var (status, text) = await Server.GetAsync("api/prices");
        Assert.Equal(200, status);
        var sonnet = ControlServer.Parse(text).GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("model").GetString() == "claude-sonnet-4-5");
        Assert.Equal("shipped", sonnet.GetProperty("source").GetString());
        Assert.Equal(3m, sonnet.GetProperty("input").GetDecimal());
        foreach (var field in new[] { "output", "cacheWrite5m", "cacheWrite1h", "cacheRead" })
        {
            Assert.True(sonnet.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Put_overrides_a_price_and_the_snapshot_uses_it()
    {
        var (status, text) = await Server.SendAsync(
            HttpMethod.Put,
            "api/prices/claude-test-model",
            """{"input":1.5,"output":7,"cacheWrite5m":1.875,"cacheWrite1h":3,"cacheRead":0.15}""");
        Assert.Equal(200, status);
        var price = ControlServer.Parse(text);
        Assert.Equal("claude-test-model", price.GetProperty("model").GetString());
        Assert.Equal("override", price.GetProperty("source").GetString());
        Assert.Equal(1.5m, price.GetProperty("input").GetDecimal());

        Assert.Equal(7m, Server.Snapshot.Prices.Find("claude-test-model-20260101")!.Output);
        var listed = ControlServer.Parse((await Server.GetAsync("api/prices")).Text).GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("model").GetString() == "claude-test-model");
        Assert.Equal("override", listed.GetProperty("source").GetString());
        Assert.Equal(0.15m, listed.GetProperty("cacheRead").GetDecimal());
    }

    [Theory]
    [InlineData("""{"input":1,"output":1,"cacheWrite5m":1,"cacheWrite1h":1}""", "cacheRead")]
    [InlineData("""{"input":-1,"output":1,"cacheWrite5m":1,"cacheWrite1h":1,"cacheRead":1}""", "input")]
    [InlineData("""{"input":"1","output":1,"cacheWrite5m":1,"cacheWrite1h":1,"cacheRead":1}""", "input")]
    [InlineData("""{"input":1,"output":1,"cacheWrite5m":1,"cacheWrite1h":1,"cacheRead":1,"currency":"EUR"}""", "currency")]
    [InlineData("""{"input":1,"output":1,"cacheWrite5m":1,"cacheWrite1h":1,"cacheRead":null}""", "cacheRead")]
    [InlineData("""[1,2,3]""", "object")]
    public async Task Put_refuses_missing_negative_or_mistyped_prices(string body, string mentioned)
    {
        var response = await Server.SendAsync(HttpMethod.Put, "api/prices/claude-bad", body);
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(mentioned, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_an_override_and_the_shipped_price_applies_again()
    {
        var shipped = Server.Snapshot.Prices.Find("claude-haiku-4-5")!;
        var (status, _) = await Server.SendAsync(
            HttpMethod.Put,
            "api/prices/claude-haiku-4-5",
            """{"input":99,"output":99,"cacheWrite5m":99,"cacheWrite1h":99,"cacheRead":99}""");
        Assert.Equal(200, status);
        Assert.Equal(99m, Server.Snapshot.Prices.Find("claude-haiku-4-5")!.Input);

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, "api/prices/claude-haiku-4-5")).Status);
        Assert.Equal(shipped.Input, Server.Snapshot.Prices.Find("claude-haiku-4-5")!.Input);
        var listed = ControlServer.Parse((await Server.GetAsync("api/prices")).Text).GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("model").GetString() == "claude-haiku-4-5");
        Assert.Equal("shipped", listed.GetProperty("source").GetString());
        Assert.Equal(shipped.Input, listed.GetProperty("input").GetDecimal());

        // Nothing left to remove: shipped entries are overridden, never deleted.
        ControlServer.AssertError(404, "not_found", await Server.SendAsync(HttpMethod.Delete, "api/prices/claude-haiku-4-5"));
    }
}
