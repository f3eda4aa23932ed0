namespace Relay.Server.Tests.Control;

/// <summary>The group, sharing and limit fields of accounts (issue 4), through the real API.</summary>
public sealed class AccountBindingApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private static string Unique(string name) => $"{name}-{ControlServer.RandomToken(8)}";

    private async Task<string> NewGroupAsync() =>
        ControlServer.Parse((await Server.PostAsync("api/groups", $$"""{"name":"{{Unique("g")}}"}""")).Text).GetProperty("id").GetString()!;

    [Fact]
    public async Task Groups_shared_and_limits_round_trip_and_reach_the_snapshot()
    {
        var g1 = await NewGroupAsync();
        var g2 = await NewGroupAsync();
        var created = await Server.CreateAccountAsync(
            "bound",
            "sk-" + ControlServer.RandomToken(),
            $$""","groups":["{{g1}}","{{g2}}"],"shared":false,"limits":[{"meter":"tokens","window":"5h","max":500000},{"meter":"concurrency","max":2}]""");
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(new[] { g1, g2 }.Order(StringComparer.Ordinal), created.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.False(created.GetProperty("shared").GetBoolean());
        Assert.Equal("5h", created.GetProperty("limits")[0].GetProperty("window").GetString());
        Assert.Equal(2m, created.GetProperty("limits")[1].GetProperty("max").GetDecimal());

        var record = Server.Snapshot.AccountsById[id].Record;
        Assert.False(record.Shared);
        Assert.Equal(2, record.Limits.Count);

        var group = ControlServer.Parse((await Server.GetAsync($"api/groups/{g1}")).Text);
        Assert.Equal([id], group.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()));

        var patched = ControlServer.Parse((await Server.PatchAsync($"api/accounts/{id}", $$"""{"groups":["{{g2}}"],"shared":true,"limits":[]}""")).Text);
        Assert.Equal([g2], patched.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.True(patched.GetProperty("shared").GetBoolean());
        Assert.Empty(patched.GetProperty("limits").EnumerateArray());
        Assert.Equal("bound", patched.GetProperty("name").GetString());
    }

    [Fact]
    public async Task New_accounts_are_shared_without_groups_or_limits()
    {
        var created = await Server.CreateAccountAsync("plain", "sk-" + ControlServer.RandomToken());

        Assert.True(created.GetProperty("shared").GetBoolean());
        Assert.Empty(created.GetProperty("groups").EnumerateArray());
        Assert.Empty(created.GetProperty("limits").EnumerateArray());
    }

    [Fact]
    public async Task Delete_is_refused_while_a_key_or_policy_is_dedicated_to_the_account()
    {
        var id = (await Server.CreateAccountAsync("dedicated", "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;
        var key = ControlServer.Parse((await Server.PostAsync("api/keys", $$$"""{"name":"mine","policy":{"account":"{{{id}}}"}}""")).Text).GetProperty("id").GetString()!;
        var policy = ControlServer.Parse((await Server.PostAsync("api/policies", $$$"""{"name":"{{{Unique("ours")}}}","policy":{"account":"{{{id}}}"}}""")).Text).GetProperty("id").GetString()!;

        var refused = await Server.SendAsync(HttpMethod.Delete, $"api/accounts/{id}");
        ControlServer.AssertError(409, "conflict", refused);
        Assert.Contains(key, refused.Text, StringComparison.Ordinal);
        Assert.Contains(policy, refused.Text, StringComparison.Ordinal);
        Assert.Equal(200, (await Server.GetAsync($"api/accounts/{id}")).Status);

        Assert.Equal(200, (await Server.PatchAsync($"api/keys/{key}", """{"policy":null}""")).Status);
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/policies/{policy}")).Status);
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/accounts/{id}")).Status);
    }

    [Theory]
    [InlineData(""","groups":["grp_nope"]""", "groups[0]")]
    [InlineData(",\"groups\":\"grp_x\"", "groups")]
    [InlineData(",\"shared\":\"no\"", "shared")]
    [InlineData(""","limits":[{"meter":"concurrency","max":2,"queue":{"size":5,"timeout":"10s"}}]""", "queue applies to key concurrency only")]
    [InlineData(""","limits":[{"meter":"cost","window":"1d"}]""", "limits[0].max")]
    [InlineData(""","limits":[{"meter":"cost","window":"1d","max":1,"windw":"x"}]""", "limits[0].windw")]
    public async Task Invalid_fields_are_a_400_naming_the_field(string extra, string expected)
    {
        var response = await Server.PostAsync("api/accounts", $$"""{"name":"bad","secret":"sk-x"{{extra}}}""");
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(expected, response.Text, StringComparison.Ordinal);
    }
}

/// <summary>The reads added for issue 4 never carry a secret: upstream credential, relay key, key hash or admin token.</summary>
public sealed class BindingSecretsTests
{
    [Fact]
    public async Task No_new_read_or_log_line_contains_a_secret()
    {
        await using var server = await ControlServer.StartAsync();
        var secret = "sk-ant-secret-" + ControlServer.RandomToken(40);
        var account = (await server.CreateAccountAsync("secretive", secret)).GetProperty("id").GetString()!;
        var group = ControlServer.Parse((await server.PostAsync("api/groups", $$"""{"name":"g","accounts":["{{account}}"]}""")).Text).GetProperty("id").GetString()!;
        var policy = ControlServer.Parse((await server.PostAsync("api/policies", $$$"""{"name":"p","policy":{"group":"{{{group}}}"}}""")).Text).GetProperty("id").GetString()!;
        var created = ControlServer.Parse((await server.PostAsync("api/keys", $$"""{"name":"k","policyId":"{{policy}}","limits":[{"meter":"requests","window":"1m","max":5}]}""")).Text);
        var key = created.GetProperty("key").GetString()!;
        var hash = Relay.Core.Security.RelayKeyGenerator.Hash(key);
        await server.PatchAsync("api/settings", """{"timeZone":"Europe/Berlin"}""");
        await server.SendAsync(HttpMethod.Delete, $"api/groups/{group}");

        var reads = new List<string>();
        foreach (var path in new[] { "api/groups", $"api/groups/{group}", "api/policies", $"api/policies/{policy}", "api/settings", "api/keys", $"api/keys/{created.GetProperty("id").GetString()}", "api/accounts", $"api/accounts/{account}" })
        {
            var (status, text) = await server.GetAsync(path);
            Assert.Equal(200, status);
            reads.Add(text);
        }

        var everything = string.Join('\n', reads) + server.Logs.AllText;
        foreach (var value in new[] { secret, key, hash, server.AdminToken! })
        {
            Assert.DoesNotContain(value, everything, StringComparison.Ordinal);
        }
    }
}
