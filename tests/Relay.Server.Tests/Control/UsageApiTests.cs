using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Server.Tests.Control;

public sealed class UsageApiTests
{
    private static readonly string[] TotalFields =
        ["requests", "errors", "inputTokens", "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "cost"];

    [Fact]
    public async Task Empty_database_gives_zero_totals_and_empty_lists()
    {
        await using var server = await ControlServer.StartAsync();
        var (status, text) = await server.GetAsync("api/usage");
        Assert.Equal(200, status);
        var report = ControlServer.Parse(text);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("from").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("to").ValueKind);
        foreach (var field in TotalFields)
        {
            Assert.Equal(0m, report.GetProperty("total").GetProperty(field).GetDecimal());
        }

        foreach (var list in new[] { "byKey", "byAccount", "byModel", "byDay" })
        {
            Assert.Equal(0, report.GetProperty(list).GetArrayLength());
        }
    }

    [Fact]
    public async Task Range_group_by_and_bad_parameters()
    {
        await using var server = await ControlServer.StartAsync();

        var ranged = ControlServer.Parse((await server.GetAsync("api/usage?from=2026-01-01&to=2026-01-31&groupBy=model")).Text);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ranged.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), ranged.GetProperty("to").GetDateTimeOffset());
        Assert.True(ranged.TryGetProperty("byModel", out _));
        Assert.False(ranged.TryGetProperty("byKey", out _));
        Assert.False(ranged.TryGetProperty("byAccount", out _));
        Assert.False(ranged.TryGetProperty("byDay", out _));

        Assert.Equal(200, (await server.GetAsync("api/usage?from=2026-01-01T10:00:00Z&to=2026-01-01T12:00:00%2B02:00")).Status);

        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?from=yesterday"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?to=01/02/2026"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?from=2026-02-01&to=2026-01-01"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?groupBy=colour"));
    }

    [Fact]
    public async Task Just_recorded_events_are_counted_with_current_names()
    {
        await using var server = await ControlServer.StartAsync();
        var account = await server.CreateAccountAsync("usage-account", "sk-" + ControlServer.RandomToken());
        var accountId = account.GetProperty("id").GetString()!;
        var keyId = ControlServer.Parse((await server.PostAsync("api/keys", """{"name":"usage-key"}""")).Text).GetProperty("id").GetString()!;

        server.App.Services.GetRequiredService<UsageRecorder>().Record(new UsageEvent
        {
            Timestamp = DateTimeOffset.UtcNow,
            KeyId = keyId,
            AccountId = accountId,
            Platform = "anthropic",
            RequestedModel = "claude-sonnet-4-5",
            UpstreamModel = "claude-sonnet-4-5",
            Tokens = new TokenUsage(Input: 100, Output: 20, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: 5),
            Cost = 0.001m,
            Status = 200,
        });

        // No sleep: the endpoint flushes the recorder before it reads.
        var report = ControlServer.Parse((await server.GetAsync("api/usage")).Text);
        Assert.Equal(1, report.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(100, report.GetProperty("total").GetProperty("inputTokens").GetInt64());
        var byKey = Assert.Single(report.GetProperty("byKey").EnumerateArray());
        Assert.Equal(keyId, byKey.GetProperty("group").GetString());
        Assert.Equal("usage-key", byKey.GetProperty("name").GetString());
        var byAccount = Assert.Single(report.GetProperty("byAccount").EnumerateArray());
        Assert.Equal("usage-account", byAccount.GetProperty("name").GetString());
        Assert.Equal("claude-sonnet-4-5", Assert.Single(report.GetProperty("byModel").EnumerateArray()).GetProperty("group").GetString());
        Assert.Single(report.GetProperty("byDay").EnumerateArray());
    }
}
