using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Server.Tests.Control;

public sealed class UsageEventsApiTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pages_walk_the_log_newest_first_with_current_names_and_every_field()
    {
        await using var server = await ControlServer.StartAsync();
        var accountId = (await server.CreateAccountAsync("team-1", "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;
        var keyId = ControlServer.Parse((await server.PostAsync("api/keys", """{"name":"alice"}""")).Text).GetProperty("id").GetString()!;
        for (var i = 0; i < 5; i++)
        {
            Record(server, At.AddMinutes(i), keyId, accountId, status: i == 3 ? 529 : 200, input: i);
        }

        Record(server, At.AddMinutes(10), "key_gone", null, status: 200, input: 100);

        // No flush here: the endpoint flushes pending events before it reads.
        var first = ControlServer.Parse((await server.GetAsync("api/usage/events?limit=4")).Text);
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([100L, 4, 3, 2], items.Select(e => e.GetProperty("inputTokens").GetInt64()));

        var newest = items[0];
        Assert.Equal("key_gone", newest.GetProperty("keyId").GetString());
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("keyName").ValueKind);
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("accountId").ValueKind);
        Assert.Equal(JsonValueKind.Null, newest.GetProperty("groupName").ValueKind);

        var failed = items[2];
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("id").GetString()));
        Assert.Equal(At.AddMinutes(3), failed.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("alice", failed.GetProperty("keyName").GetString());
        Assert.Equal(accountId, failed.GetProperty("accountId").GetString());
        Assert.Equal("team-1", failed.GetProperty("accountName").GetString());
        Assert.Equal("anthropic", failed.GetProperty("platform").GetString());
        Assert.Equal("claude-haiku-4-5", failed.GetProperty("requestedModel").GetString());
        Assert.Equal("claude-haiku-4-5-20251001", failed.GetProperty("upstreamModel").GetString());
        Assert.Equal(529, failed.GetProperty("status").GetInt32());
        Assert.Equal("overloaded", failed.GetProperty("errorClass").GetString());
        Assert.True(failed.GetProperty("stream").GetBoolean());
        Assert.Equal(2, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(812, failed.GetProperty("latencyMs").GetInt32());
        Assert.Equal(230, failed.GetProperty("firstByteMs").GetInt32());
        Assert.Equal(0.0012m, failed.GetProperty("cost").GetDecimal());
        foreach (var field in new[] { "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens" })
        {
            Assert.Equal(JsonValueKind.Number, failed.GetProperty(field).ValueKind);
        }

        // A newer event arriving between pages does not shift the next page.
        Record(server, At.AddHours(1), keyId, accountId, status: 200, input: 1000);
        var next = first.GetProperty("next").GetString()!;
        var second = ControlServer.Parse((await server.GetAsync("api/usage/events?limit=4&before=" + Uri.EscapeDataString(next))).Text);
        Assert.Equal([1L, 0], second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("inputTokens").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);

        async Task<long[]> InputsAsync(string query) =>
            [.. ControlServer.Parse((await server.GetAsync("api/usage/events?" + query)).Text).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("inputTokens").GetInt64())];
        Assert.Equal(new long[] { 3 }, await InputsAsync("status=error"));
        Assert.Equal(new long[] { 1000, 100, 4, 2, 1, 0 }, await InputsAsync("status=ok"));
        Assert.Equal(new long[] { 100 }, await InputsAsync("account="));
        Assert.Equal(new long[] { 1000, 4, 3, 2, 1, 0 }, await InputsAsync("key=" + keyId));
        Assert.Equal(new long[] { 2, 1 }, await InputsAsync("from=2026-03-01T10:01:00Z&to=2026-03-01T10:03:00Z"));
        Assert.Empty(await InputsAsync("model=gpt-4o"));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=ten")]
    [InlineData("status=failed")]
    [InlineData("before=not-a-cursor")]
    [InlineData("before=MTIzNA")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-02-01&to=2026-01-01")]
    public async Task Bad_parameters_are_a_400(string query)
    {
        await using var server = await ControlServer.StartAsync();

        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage/events?" + query));
    }

    [Fact]
    public async Task The_csv_export_streams_every_event_quoted_and_safe_for_spreadsheets()
    {
        await using var server = await ControlServer.StartAsync();
        var accountId = (await server.CreateAccountAsync("=HYPERLINK(\\\"http://evil\\\")", "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;
        var keyId = ControlServer.Parse((await server.PostAsync("api/keys", """{"name":"bob, \"the builder\""}""")).Text).GetProperty("id").GetString()!;
        const int count = 2345;
        for (var i = 0; i < count; i++)
        {
            Record(server, At.AddSeconds(i), keyId, accountId, status: i % 100 == 0 ? 429 : 200, input: i);
        }

        using var response = await server.Client.GetAsync("api/usage/events.csv");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Matches("^attachment; filename=\"relay-usage-\\d{8}-\\d{4}\\.csv\"$", response.Content.Headers.ContentDisposition!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split("\r\n");
        Assert.Equal("", lines[^1]);
        Assert.Equal(count + 2, lines.Length);
        Assert.StartsWith("id,at,keyId,keyName,accountId,accountName,groupId,groupName,platform,", lines[0], StringComparison.Ordinal);

        var newest = lines[1];
        Assert.Contains(",\"bob, \"\"the builder\"\"\",", newest, StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",", newest, StringComparison.Ordinal);
        Assert.EndsWith("," + (count - 1) + ",1,0,0,0,0.0012", newest, StringComparison.Ordinal);

        // Filters apply; limit and before belong to the paged log only.
        var errors = await server.Client.GetStringAsync("api/usage/events.csv?status=error");
        Assert.Equal(24 + 2, errors.Split("\r\n").Length); // 0, 100, … 2300, the header and the final line end
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage/events.csv?status=nope"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage/events.csv?to=tomorrow"));
    }

    private static void Record(ControlServer server, DateTimeOffset at, string keyId, string? accountId, int status, long input) =>
        server.App.Services.GetRequiredService<UsageRecorder>().Record(new UsageEvent
        {
            Timestamp = at,
            KeyId = keyId,
            AccountId = accountId,
            Platform = "anthropic",
            RequestedModel = "claude-haiku-4-5",
            UpstreamModel = accountId is null ? null : "claude-haiku-4-5-20251001",
            Tokens = new TokenUsage(Input: input, Output: 1, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: 0),
            Cost = 0.0012m,
            Status = status,
            ErrorClass = status == 529 ? "overloaded" : status >= 400 ? "rate_limited" : null,
            LatencyMs = 812,
            FirstByteMs = 230,
            Stream = true,
            Attempts = 2,
        });
}
