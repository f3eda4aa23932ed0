using System.Text.Json;
using Relay.Server.Cli;

namespace Relay.Server.Tests.Control;

/// <summary>The issue-4 verbs and flags: groups, policies, settings, and the new key and account options.</summary>
public sealed class CliBindingTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDir, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RelayCommandLine.RunAsync([.. args, "--data-dir", dataDir], TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<JsonElement> OkAsync(string dataDir, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(dataDir, args);
        Assert.True(exit == 0, $"{string.Join(' ', args)} → {exit}: {stderr}");
        return ControlServer.Parse(stdout);
    }

    [Fact]
    public async Task Key_limits_and_policy_from_the_cli_show_up_in_the_api()
    {
        await using var server = await ControlServer.StartAsync(pollMilliseconds: 200);
        var dir = server.DataDir;

        var created = await OkAsync(
            dir, "keys", "create", "--name", "limited", "--limit", "cost:1d:5", "--limit", "requests:60s:100", "concurrency:3:queue=10/10s",
            "--platforms", "anthropic", "--allow-models", "claude-*", "--deny-models", "claude-opus-*", "--clients", "claude-code",
            "--expires-after-first-use", "30d");
        var id = created.GetProperty("id").GetString()!;

        var (status, text) = await server.GetAsync($"api/keys/{id}");
        Assert.Equal(200, status);
        var view = ControlServer.Parse(text);
        var limits = view.GetProperty("limits");
        Assert.Equal(3, limits.GetArrayLength());
        Assert.Equal("cost", limits[0].GetProperty("meter").GetString());
        Assert.Equal("1d", limits[0].GetProperty("window").GetString());
        Assert.Equal(5m, limits[0].GetProperty("max").GetDecimal());
        Assert.Equal(100m, limits[1].GetProperty("max").GetDecimal());
        Assert.Equal(10, limits[2].GetProperty("queue").GetProperty("size").GetInt32());
        Assert.Equal("claude-*", view.GetProperty("policy").GetProperty("models").GetProperty("allow")[0].GetString());
        Assert.Equal("claude-opus-*", view.GetProperty("policy").GetProperty("models").GetProperty("deny")[0].GetString());
        Assert.Equal("30d", view.GetProperty("expires").GetProperty("afterFirstUse").GetString());
        Assert.DoesNotContain(created.GetProperty("key").GetString()!, text, StringComparison.Ordinal);

        // Update refines: a bare --clients clears that list but keeps the model rules; a bare --limit clears the limits.
        var updated = await OkAsync(dir, "keys", "update", id, "--clients", "--limit", "--expires-at", "2032-01-01");
        Assert.Empty(updated.GetProperty("policy").GetProperty("clients").EnumerateArray());
        Assert.Equal("claude-*", updated.GetProperty("policy").GetProperty("models").GetProperty("allow")[0].GetString());
        Assert.Empty(updated.GetProperty("limits").EnumerateArray());
        Assert.Equal("30d", updated.GetProperty("expires").GetProperty("afterFirstUse").GetString());
        Assert.Equal(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero), updated.GetProperty("expires").GetProperty("at").GetDateTimeOffset());

        // Same serializer, same view — once the server has picked up the CLI's change (it polls every 200 ms;
        // until then its view still carries the old limits' live status).
        var cli = (await RunAsync(dir, "keys", "get", id)).Out.TrimEnd();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var api = (await server.GetAsync($"api/keys/{id}")).Text;
        while (api != cli && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            api = (await server.GetAsync($"api/keys/{id}")).Text;
        }

        Assert.Equal(api, cli);
    }

    [Fact]
    public async Task Groups_policies_and_accounts_bind_together_through_the_cli()
    {
        var dir = ControlServer.NewDataDir();
        var secret = "sk-cli-" + ControlServer.RandomToken(30);
        var account = (await OkAsync(dir, "accounts", "add", "--name", "pool-1", "--secret", secret, "--shared", "false", "--limit", "tokens:5h:500000", "concurrency:2"))
            .GetProperty("id").GetString()!;

        var group = await OkAsync(dir, "groups", "create", "--name", "team-a", "--description", "first team", "--accounts", account);
        var groupId = group.GetProperty("id").GetString()!;
        Assert.Equal([account], group.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()));

        var policy = await OkAsync(dir, "policies", "create", "--name", "team-a-policy", "--group", groupId, "--platforms", "anthropic", "--limit", "cost:1d:20");
        var policyId = policy.GetProperty("id").GetString()!;
        Assert.Equal(groupId, policy.GetProperty("policy").GetProperty("group").GetString());

        var refined = await OkAsync(dir, "policies", "update", policyId, "--allow-models", "claude-haiku-*", "--description", "cheap");
        Assert.Equal(groupId, refined.GetProperty("policy").GetProperty("group").GetString());
        Assert.Equal("claude-haiku-*", refined.GetProperty("policy").GetProperty("models").GetProperty("allow")[0].GetString());
        Assert.Equal(1, refined.GetProperty("limits").GetArrayLength());

        var key = (await OkAsync(dir, "keys", "create", "--name", "alice", "--policy-id", policyId)).GetProperty("id").GetString()!;
        Assert.Equal(1, (await OkAsync(dir, "groups", "show", groupId)).GetProperty("keys").GetInt32());
        Assert.Equal(1, (await OkAsync(dir, "policies", "show", policyId)).GetProperty("keys").GetInt32());

        // Deleting what a key depends on is a conflict: exit 1 and the error envelope.
        var refused = await RunAsync(dir, "policies", "delete", policyId);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("\"conflict\"", refused.Err, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync(dir, "groups", "delete", groupId)).Exit);

        var moved = await OkAsync(dir, "keys", "update", key, "--policy-id", "none", "--account", account, "--fallback-to-pool");
        Assert.False(moved.TryGetProperty("policyId", out _));
        Assert.True(moved.GetProperty("policy").GetProperty("fallbackToPool").GetBoolean());
        Assert.Equal(1, (await RunAsync(dir, "accounts", "delete", account)).Exit);

        var accountView = await OkAsync(dir, "accounts", "update", account, "--groups", "--shared", "--limit");
        Assert.Empty(accountView.GetProperty("groups").EnumerateArray());
        Assert.True(accountView.GetProperty("shared").GetBoolean());
        Assert.Empty(accountView.GetProperty("limits").EnumerateArray());

        var lists = string.Concat(
            (await RunAsync(dir, "groups", "list")).Out,
            (await RunAsync(dir, "policies", "list")).Out,
            (await RunAsync(dir, "keys", "list")).Out,
            (await RunAsync(dir, "accounts", "list")).Out);
        Assert.DoesNotContain(secret, lists, StringComparison.Ordinal);
        Assert.Contains("team-a-policy", lists, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_show_and_set()
    {
        var dir = ControlServer.NewDataDir();
        Assert.Equal("UTC", (await OkAsync(dir, "settings", "show")).GetProperty("timeZone").GetString());

        var set = await OkAsync(dir, "settings", "set", "--time-zone", "Europe/Berlin", "--week-starts-on", "sunday", "--day-reset-hour", "5", "--client-pattern", "ci-bot=acme-ci/*");
        Assert.Equal("Europe/Berlin", set.GetProperty("timeZone").GetString());
        Assert.Equal("sunday", set.GetProperty("weekStartsOn").GetString());
        Assert.Equal(5, set.GetProperty("dayResetHour").GetInt32());
        Assert.Equal("ci-bot", set.GetProperty("clientPatterns")[0].GetProperty("family").GetString());

        // The family is usable at once by policies.
        await OkAsync(dir, "policies", "create", "--name", "bots", "--clients", "ci-bot");

        var bad = await RunAsync(dir, "settings", "set", "--time-zone", "Mars/Olympus");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("timeZone", bad.Err, StringComparison.Ordinal);

        // Forwarding settings: a number overrides the process setting, 'default' returns to it.
        var attempts = await OkAsync(dir, "settings", "set", "--max-attempts", "1", "--stream-idle-timeout-seconds", "30", "--Relay:MaxAttempts=5");
        Assert.Equal(1, attempts.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(30, attempts.GetProperty("streamIdleTimeoutSeconds").GetInt32());
        var back = await OkAsync(dir, "settings", "set", "--max-attempts", "default", "--Relay:MaxAttempts=5");
        Assert.Equal(5, back.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(30, back.GetProperty("streamIdleTimeoutSeconds").GetInt32());
        var outOfRange = await RunAsync(dir, "settings", "set", "--max-attempts", "11");
        Assert.Equal(2, outOfRange.Exit);
        Assert.Contains("maxAttempts", outOfRange.Err, StringComparison.Ordinal);

        // Content logging.
        var content = await OkAsync(dir, "settings", "set", "--log-content", "--content-retention-days", "3", "--content-max-bytes", "2048");
        Assert.True(content.GetProperty("logContent").GetBoolean());
        Assert.Equal(3, content.GetProperty("contentRetentionDays").GetInt32());
        Assert.Equal(2048, content.GetProperty("contentMaxBytes").GetInt32());
        Assert.False((await OkAsync(dir, "settings", "set", "--log-content", "false")).GetProperty("logContent").GetBoolean());
        var tooSmall = await RunAsync(dir, "settings", "set", "--content-max-bytes", "10");
        Assert.Equal(2, tooSmall.Exit);
        Assert.Contains("contentMaxBytes", tooSmall.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "groups")]
    [InlineData(2, "groups", "frobnicate")]
    [InlineData(2, "groups", "create")]
    [InlineData(2, "groups", "create", "--name", "g", "--accounts", "acc_missing")]
    [InlineData(2, "policies", "create", "--name", "p", "--limit", "cost")]
    [InlineData(2, "policies", "create", "--name", "p", "--limit", "cost:1d:lots")]
    [InlineData(2, "policies", "create", "--name", "p", "--limit", "cost:2d:5")]
    [InlineData(2, "policies", "create", "--name", "p", "--limit", "concurrency:3:queue=ten")]
    [InlineData(2, "policies", "create", "--name", "p", "--platforms", "mainframe")]
    [InlineData(2, "policies", "create", "--name", "p", "--fallback-to-pool", "perhaps")]
    [InlineData(2, "policies", "create", "--name", "p", "--colour", "red")]
    [InlineData(2, "keys", "create", "--name", "k", "--expires-after-first-use", "a while")]
    [InlineData(2, "keys", "create", "--name", "k", "--policy-id", "pol_missing")]
    [InlineData(2, "keys", "update", "key_x", "--clear-policy", "--platforms", "anthropic")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--shared", "sometimes")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--limit", "concurrency:2:queue=5/5s")]
    [InlineData(2, "accounts", "add", "--name", "n", "--secret", "s", "--groups", "grp_missing")]
    [InlineData(2, "settings", "set")]
    [InlineData(2, "settings", "set", "--day-reset-hour", "noon")]
    [InlineData(2, "settings", "set", "--client-pattern", "nopair")]
    [InlineData(1, "groups", "show", "grp_missing")]
    [InlineData(1, "policies", "update", "pol_missing", "--name", "x")]
    [InlineData(1, "keys", "update", "key_missing", "--platforms", "anthropic")]
    public async Task Bad_command_lines_exit_2_and_missing_ids_exit_1(int expectedExit, params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync(ControlServer.NewDataDir(), args);
        Assert.Equal(expectedExit, exit);
        Assert.Empty(stdout);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public async Task Help_lists_the_new_verbs()
    {
        var (exit, stdout, _) = await RunAsync(ControlServer.NewDataDir(), "help");
        Assert.Equal(0, exit);
        foreach (var text in new[] { "relay groups create", "relay policies create", "relay settings set", "--expires-after-first-use", "--limit", "--shared" })
        {
            Assert.Contains(text, stdout, StringComparison.Ordinal);
        }
    }
}
