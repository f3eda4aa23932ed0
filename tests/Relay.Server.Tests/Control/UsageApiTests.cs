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

        foreach (var list in new[] { "byKey", "byAccount", "byModel", "byGroup", "byDay" })
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
        Assert.False(ranged.TryGetProperty("byGroup", out _));

        Assert.Equal(200, (await server.GetAsync("api/usage?from=2026-01-01T10:00:00Z&to=2026-01-01T12:00:00%2B02:00")).Status);

        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?from=yesterday"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?to=01/02/2026"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?from=2026-02-01&to=2026-01-01"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?groupBy=colour"));
        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage?to=9999-12-31"));
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
        Assert.Equal("", Assert.Single(report.GetProperty("byGroup").EnumerateArray()).GetProperty("group").GetString());
    }

    [Fact]
    public async Task Filters_narrow_every_figure_and_group_breakdown_shows_the_shared_pool_as_empty()
    {
        await using var server = await ControlServer.StartAsync();
        var at = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        Record(server, at, "key_a", "grp_team", input: 1);
        Record(server, at.AddMinutes(90), "key_a", null, input: 2);
        Record(server, at.AddMinutes(150), "key_b", "grp_team", input: 4, model: "claude-haiku-4-5");

        var byGroup = ControlServer.Parse((await server.GetAsync("api/usage?groupBy=group")).Text);
        Assert.Equal(7, byGroup.GetProperty("total").GetProperty("inputTokens").GetInt64());
        Assert.Equal(
            [("grp_team", 5L), ("", 2L)],
            byGroup.GetProperty("byGroup").EnumerateArray().Select(r => (r.GetProperty("group").GetString(), r.GetProperty("inputTokens").GetInt64())));
        Assert.False(byGroup.TryGetProperty("byKey", out _));

        async Task<long> InputAsync(string query) =>
            ControlServer.Parse((await server.GetAsync("api/usage?" + query)).Text).GetProperty("total").GetProperty("inputTokens").GetInt64();
        Assert.Equal(3, await InputAsync("key=key_a"));
        Assert.Equal(5, await InputAsync("group=grp_team"));
        Assert.Equal(2, await InputAsync("group="));
        Assert.Equal(4, await InputAsync("model=claude-haiku-4-5"));
        Assert.Equal(1, await InputAsync("key=key_a&group=grp_team&account=acc_x"));
        Assert.Equal(0, await InputAsync("account=acc_missing"));

        // A filter narrows the breakdowns too, and mid-hour bounds are exact.
        var filtered = ControlServer.Parse((await server.GetAsync("api/usage?group=grp_team&from=2026-03-01T10:00:00.001Z")).Text);
        Assert.Equal("key_b", Assert.Single(filtered.GetProperty("byKey").EnumerateArray()).GetProperty("group").GetString());
    }

    [Fact]
    public async Task Hourly_series_has_a_zero_point_for_every_empty_hour_and_one_line_per_key()
    {
        await using var server = await ControlServer.StartAsync();
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Record(server, at.AddMinutes(10), "key_a", null, input: 1, cost: 0.01m);
        Record(server, at.AddHours(3).AddMinutes(59), "key_a", null, input: 2, cost: 0.01m);
        Record(server, at.AddHours(4), "key_b", "grp_team", input: 4, cost: 0.5m);
        Record(server, at.AddHours(6), "key_b", "grp_team", input: 8, cost: 0.5m); // at 'to': excluded

        var (status, text) = await server.GetAsync("api/usage/series?bucket=hour&from=2026-03-01T00:00:00Z&to=2026-03-01T06:00:00Z&by=key");
        Assert.Equal(200, status);
        var series = ControlServer.Parse(text);
        Assert.Equal("hour", series.GetProperty("bucket").GetString());
        Assert.Equal("key", series.GetProperty("by").GetString());
        Assert.Equal("UTC", series.GetProperty("timeZone").GetString());
        var lines = series.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["key_b", "key_a"], lines.Select(l => l.GetProperty("group").GetString()));
        foreach (var line in lines)
        {
            Assert.Equal(
                Enumerable.Range(0, 6).Select(h => at.AddHours(h)),
                line.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("start").GetDateTimeOffset()));
        }

        Assert.Equal([0L, 0, 0, 0, 4, 0], Inputs(lines[0]));
        Assert.Equal([1L, 0, 0, 2, 0, 0], Inputs(lines[1]));
        Assert.Equal(0.5m, lines[0].GetProperty("points")[4].GetProperty("cost").GetDecimal());
        Assert.Equal(0m, lines[0].GetProperty("points")[0].GetProperty("cost").GetDecimal());

        // Unsplit: one line without a group; filters apply.
        var team = ControlServer.Parse((await server.GetAsync("api/usage/series?bucket=hour&from=2026-03-01T00:00:00Z&to=2026-03-01T06:00:00Z&group=grp_team")).Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, team.GetProperty("by").ValueKind);
        var only = Assert.Single(team.GetProperty("series").EnumerateArray());
        Assert.False(only.TryGetProperty("group", out _));
        Assert.Equal([0L, 0, 0, 0, 4, 0], Inputs(only));
    }

    [Fact]
    public async Task Daily_series_in_a_zone_follows_its_midnights_across_daylight_saving()
    {
        await using var server = await ControlServer.StartAsync();
        Record(server, DateTimeOffset.Parse("2026-03-28T22:59:59.999Z", System.Globalization.CultureInfo.InvariantCulture), "key_a", null, input: 1);
        Record(server, DateTimeOffset.Parse("2026-03-28T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "key_a", null, input: 2);
        Record(server, DateTimeOffset.Parse("2026-03-29T22:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "key_a", null, input: 4);

        var series = ControlServer.Parse((await server.GetAsync("api/usage/series?from=2026-03-28&to=2026-03-30&tz=Europe/Berlin")).Text);

        Assert.Equal("day", series.GetProperty("bucket").GetString());
        Assert.Equal("Europe/Berlin", series.GetProperty("timeZone").GetString());
        Assert.Equal("2026-03-28T00:00:00+01:00", series.GetProperty("from").GetString());
        Assert.Equal("2026-03-31T00:00:00+02:00", series.GetProperty("to").GetString());
        var line = Assert.Single(series.GetProperty("series").EnumerateArray());
        Assert.Equal(
            ["2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"],
            line.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("start").GetString()));
        Assert.Equal([1L, 2, 4], Inputs(line));
    }

    [Fact]
    public async Task Series_defaults_to_the_last_30_utc_days_including_today()
    {
        await using var server = await ControlServer.StartAsync();
        Record(server, DateTimeOffset.UtcNow, "key_a", null, input: 9);

        var series = ControlServer.Parse((await server.GetAsync("api/usage/series")).Text);

        var points = Assert.Single(series.GetProperty("series").EnumerateArray()).GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(30, points.Count);
        Assert.InRange(points[^1].GetProperty("start").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow);
        Assert.Equal(9, points.Sum(p => p.GetProperty("inputTokens").GetInt64()));
    }

    [Theory]
    [InlineData("bucket=week")]
    [InlineData("by=day")]
    [InlineData("tz=Mars/Olympus_Mons")]
    [InlineData("tz=../../../etc/passwd")]
    [InlineData("from=yesterday")]
    [InlineData("from=2026-03-02&to=2026-03-01")]
    [InlineData("from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z")]
    [InlineData("bucket=hour&from=2026-01-01&to=2026-04-01")]
    [InlineData("from=2020-01-01&to=2026-01-01")]
    [InlineData("from=0001-01-01&tz=Pacific/Kiritimati")]
    [InlineData("to=9999-12-31")]
    public async Task Bad_series_parameters_are_a_400(string query)
    {
        await using var server = await ControlServer.StartAsync();

        ControlServer.AssertError(400, "invalid_request", await server.GetAsync("api/usage/series?" + query));
    }

    private static long[] Inputs(System.Text.Json.JsonElement line) =>
        [.. line.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("inputTokens").GetInt64())];

    private static void Record(ControlServer server, DateTimeOffset at, string keyId, string? groupId, long input, decimal cost = 0m, string model = "claude-sonnet-4-5") =>
        server.App.Services.GetRequiredService<UsageRecorder>().Record(new UsageEvent
        {
            Timestamp = at,
            KeyId = keyId,
            AccountId = "acc_x",
            GroupId = groupId,
            Platform = "anthropic",
            RequestedModel = model,
            Tokens = new TokenUsage(Input: input, Output: 0, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: 0),
            Cost = cost,
            Status = 200,
        });
}
