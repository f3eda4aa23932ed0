using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Security;
using Relay.Core.State;
using Relay.Core.Usage;
using Relay.Protocols.Usage;
using Relay.Server.Cli;

namespace Relay.Server.Tests.Control;

/// <summary>
/// The CLI verbs, run in-process with their own writers and an explicit --data-dir (environment
/// variables are process-wide and tests run in parallel).
/// </summary>
public sealed class CliTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDir, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RelayCommandLine.RunAsync([.. args, "--data-dir", dataDir], TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_running_server_sees_an_account_added_by_the_cli_within_3_seconds()
    {
        await using var server = await ControlServer.StartAsync(pollMilliseconds: 1000);
        var secret = "sk-ant-cli-" + ControlServer.RandomToken(40);

        var (exit, stdout, stderr) = await RunAsync(
            server.DataDir,
            "accounts", "add", "--name", "from-cli", "--secret", secret, "--base-url", "http://127.0.0.1:9", "--priority", "3",
            "--weight", "4", "--max-concurrency", "2", "--model-map", "fast=claude-haiku-4-5", "slow=claude-opus-4-5", "--models", "claude-*");
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal);
        var view = ControlServer.Parse(stdout);
        var id = view.GetProperty("id").GetString()!;
        Assert.Equal("claude-opus-4-5", view.GetProperty("modelMap").GetProperty("slow").GetString());
        Assert.Equal(4, view.GetProperty("weight").GetInt32());

        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (!server.Snapshot.AccountsById.ContainsKey(id) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(server.Snapshot.AccountsById.TryGetValue(id, out var entry), "the server did not pick up the CLI's account within 3 s");
        Assert.Equal(secret, entry.Secret);

        // Same serializer, same view: the CLI prints exactly what the API returns.
        var api = await server.GetAsync($"api/accounts/{id}");
        var cli = await RunAsync(server.DataDir, "accounts", "get", id);
        Assert.Equal(0, cli.Exit);
        Assert.Equal(api.Text, cli.Out.TrimEnd());
    }

    [Fact]
    public async Task Keys_created_and_rotated_by_the_cli_reach_the_server()
    {
        await using var server = await ControlServer.StartAsync(pollMilliseconds: 200);
        var created = await RunAsync(server.DataDir, "keys", "create", "--name", "cli-key", "--expires-at", "2031-01-01");
        Assert.True(created.Exit == 0, created.Err);
        var view = ControlServer.Parse(created.Out);
        var id = view.GetProperty("id").GetString()!;
        var key = view.GetProperty("key").GetString()!;
        Assert.Equal(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero), view.GetProperty("expiresAt").GetDateTimeOffset());

        await WaitUntilAsync(() => server.Snapshot.KeysByHash.ContainsKey(RelayKeyGenerator.Hash(key)));

        var rotated = await RunAsync(server.DataDir, "keys", "rotate", id);
        Assert.Equal(0, rotated.Exit);
        var newKey = ControlServer.Parse(rotated.Out).GetProperty("key").GetString()!;
        await WaitUntilAsync(() => server.Snapshot.KeysByHash.ContainsKey(RelayKeyGenerator.Hash(newKey)));
        Assert.False(server.Snapshot.KeysByHash.ContainsKey(RelayKeyGenerator.Hash(key)));

        var updated = await RunAsync(server.DataDir, "keys", "update", id, "--enabled", "false", "--expires-at", "never");
        Assert.Equal(0, updated.Exit);
        var updatedView = ControlServer.Parse(updated.Out);
        Assert.False(updatedView.GetProperty("enabled").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updatedView.GetProperty("expiresAt").ValueKind);

        var list = await RunAsync(server.DataDir, "keys", "list");
        Assert.Equal(0, list.Exit);
        Assert.DoesNotContain(newKey, list.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync(server.DataDir, "keys", "delete", id)).Exit);
        Assert.Equal(1, (await RunAsync(server.DataDir, "keys", "get", id)).Exit);
    }

    [Fact]
    public async Task Account_update_reset_delete_prices_and_usage()
    {
        var dataDir = ControlServer.NewDataDir();
        var add = await RunAsync(dataDir, "accounts", "add", "--name", "offline", "--secret", "sk-offline", "--disabled");
        Assert.Equal(0, add.Exit);
        var id = ControlServer.Parse(add.Out).GetProperty("id").GetString()!;
        Assert.Equal("disabled", ControlServer.Parse(add.Out).GetProperty("status").GetProperty("state").GetString());

        var update = await RunAsync(dataDir, "accounts", "update", id, "--enabled", "--name", "online", "--models");
        Assert.True(update.Exit == 0, update.Err);
        var updated = ControlServer.Parse(update.Out);
        Assert.Equal("online", updated.GetProperty("name").GetString());
        Assert.Equal("active", updated.GetProperty("status").GetProperty("state").GetString());

        Assert.Equal(0, (await RunAsync(dataDir, "accounts", "reset", id)).Exit);
        var list = await RunAsync(dataDir, "accounts", "list");
        Assert.Single(ControlServer.Parse(list.Out).GetProperty("items").EnumerateArray());
        Assert.Equal(0, (await RunAsync(dataDir, "accounts", "delete", id)).Exit);
        Assert.Equal(1, (await RunAsync(dataDir, "accounts", "delete", id)).Exit);

        var set = await RunAsync(dataDir, "prices", "set", "claude-cli-model", "--input", "1", "--output", "2", "--cache-write-5m", "1.25", "--cache-write-1h", "2", "--cache-read", "0.1");
        Assert.True(set.Exit == 0, set.Err);
        Assert.Equal("override", ControlServer.Parse(set.Out).GetProperty("source").GetString());
        var prices = await RunAsync(dataDir, "prices", "list");
        Assert.Contains(ControlServer.Parse(prices.Out).GetProperty("items").EnumerateArray(), p => p.GetProperty("model").GetString() == "claude-cli-model");
        Assert.Equal(0, (await RunAsync(dataDir, "prices", "unset", "claude-cli-model")).Exit);
        prices = await RunAsync(dataDir, "prices", "list");
        Assert.DoesNotContain(ControlServer.Parse(prices.Out).GetProperty("items").EnumerateArray(), p => p.GetProperty("model").GetString() == "claude-cli-model");
        Assert.Equal(1, (await RunAsync(dataDir, "prices", "unset", "claude-cli-model")).Exit);

        var usage = await RunAsync(dataDir, "usage", "--from", "2026-01-01", "--group-by", "day");
        Assert.True(usage.Exit == 0, usage.Err);
        var report = ControlServer.Parse(usage.Out);
        Assert.True(report.TryGetProperty("byDay", out _));
        Assert.False(report.TryGetProperty("byKey", out _));
    }

    [Fact]
    public async Task Usage_filters_and_series_print_what_the_api_returns()
    {
        await using var server = await ControlServer.StartAsync();
        var recorder = server.App.Services.GetRequiredService<UsageRecorder>();
        var at = new DateTimeOffset(2026, 3, 28, 22, 30, 0, TimeSpan.Zero);
        foreach (var (offset, key, group) in new[] { (0, "key_a", "grp_team"), (60, "key_b", (string?)null), (25 * 60, "key_a", null) })
        {
            recorder.Record(new UsageEvent
            {
                Timestamp = at.AddMinutes(offset),
                KeyId = key,
                GroupId = group,
                Platform = "anthropic",
                Tokens = new TokenUsage(100, 10, 0, 0, 0),
                Cost = 0.01m,
                Status = 200,
            });
        }

        var pairs = new (string Api, string[] Cli)[]
        {
            ("api/usage?groupBy=group&key=key_a", ["usage", "--group-by", "group", "--key", "key_a"]),
            ("api/usage?group=", ["usage", "--group="]),
            ("api/usage/series?bucket=day&from=2026-03-28&to=2026-03-30&tz=Europe/Berlin&by=group",
                ["usage", "series", "--bucket", "day", "--from", "2026-03-28", "--to", "2026-03-30", "--tz", "Europe/Berlin", "--by", "group"]),
            ("api/usage/series?bucket=hour&from=2026-03-28T22:00:00Z&to=2026-03-29T02:00:00Z&key=key_b",
                ["usage", "series", "--bucket", "hour", "--from", "2026-03-28T22:00:00Z", "--to", "2026-03-29T02:00:00Z", "--key", "key_b"]),
        };
        foreach (var (api, cliArgs) in pairs)
        {
            // The API call flushes the server's recorder, so the CLI (reading the file) sees the same events.
            var (status, text) = await server.GetAsync(api);
            Assert.True(status == 200, text);
            var cli = await RunAsync(server.DataDir, cliArgs);
            Assert.True(cli.Exit == 0, cli.Err);
            Assert.Equal(text, cli.Out.TrimEnd());
        }

        var daily = ControlServer.Parse((await server.GetAsync(pairs[2].Api)).Text);
        Assert.Equal(
            [("", "0,100,100"), ("grp_team", "100,0,0")],
            daily.GetProperty("series").EnumerateArray().Select(line => (
                line.GetProperty("group").GetString(),
                string.Join(',', line.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("inputTokens").GetInt64())))));
    }

    [Fact]
    public async Task Cli_reset_clears_the_running_servers_cooldown()
    {
        await using var server = await ControlServer.StartAsync(pollMilliseconds: 200);
        var id = (await server.CreateAccountAsync("cooling-cli", "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;
        var hot = server.App.Services.GetRequiredService<IHotState>();
        hot.ReportFailure(id, FailureKind.RateLimited, TimeSpan.FromMinutes(10), "rate limited", DateTimeOffset.UtcNow);
        Assert.Equal(AccountHealth.Cooling, hot.GetStatus(id, DateTimeOffset.UtcNow).Health);

        var (exit, _, stderr) = await RunAsync(server.DataDir, "accounts", "reset", id);
        Assert.True(exit == 0, stderr);

        await WaitUntilAsync(() => hot.GetStatus(id, DateTimeOffset.UtcNow).Health == AccountHealth.Active);
    }

    [Theory]
    [InlineData(2, "bogus")]
    [InlineData(2, "accounts")]
    [InlineData(2, "accounts", "frobnicate")]
    [InlineData(2, "accounts", "add", "--name", "no-secret")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--weight", "heavy")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--weight", "0")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--colour", "blue")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--model-map", "nopair")]
    [InlineData(2, "accounts", "get")]
    [InlineData(2, "keys", "create")]
    [InlineData(2, "keys", "update", "key_x", "--enabled", "maybe")]
    [InlineData(2, "keys", "create", "--name", "k", "--expires-at", "soon")]
    [InlineData(2, "prices", "set", "m", "--input", "1")]
    [InlineData(2, "usage", "--from", "yesterday")]
    [InlineData(2, "usage", "--group-by", "colour")]
    [InlineData(2, "usage", "--key")]
    [InlineData(2, "usage", "series", "--bucket", "week")]
    [InlineData(2, "usage", "series", "--tz", "Nowhere/Atall")]
    [InlineData(2, "usage", "series", "--by", "day")]
    [InlineData(2, "usage", "series", "extra")]
    [InlineData(1, "accounts", "get", "acc_missing")]
    [InlineData(1, "keys", "rotate", "key_missing")]
    public async Task Bad_command_lines_exit_2_and_missing_ids_exit_1(int expectedExit, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(ControlServer.NewDataDir(), args);
        Assert.Equal(expectedExit, exit);
        Assert.Empty(stdout);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public async Task Help_prints_usage()
    {
        var (exit, stdout, _) = await RunAsync(ControlServer.NewDataDir(), "help");
        Assert.Equal(0, exit);
        Assert.Contains("relay accounts add", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_token_replaces_the_admin_token_of_a_running_server()
    {
        await using var server = await ControlServer.StartAsync(configureAdminToken: false, pollMilliseconds: 200);
        var (exit, stdout, stderr) = await RunAsync(server.DataDir, "admin", "rotate-token");
        Assert.True(exit == 0, stderr);
        var token = stdout.Trim();
        Assert.StartsWith("ra_", token, StringComparison.Ordinal);

        using var client = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var status = 0;
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (status != 200 && DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("api/accounts");
            status = (int)response.StatusCode;
            await Task.Delay(50);
        }

        Assert.Equal(200, status);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "condition not met within 3 s");
    }
}
