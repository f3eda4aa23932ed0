namespace Relay.Server.Tests.Control;

public sealed class PolicyApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private static string Unique(string name) => $"{name}-{ControlServer.RandomToken(8)}";

    [Fact]
    public async Task Crud_round_trip_shows_the_policy_and_limits_as_written()
    {
        var account = (await Server.CreateAccountAsync("dedicated", "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;
        var name = Unique("interns");
        var (status, text) = await Server.PostAsync("api/policies", $$$"""
            {"name":"{{{name}}}","description":"cheap models only",
             "policy":{"platforms":["anthropic"],"models":{"allow":["claude-haiku-*"],"deny":["claude-opus-*"]},"clients":["claude-code"],"account":"{{{account}}}","fallbackToPool":true},
             "limits":[{"meter":"cost","window":"1d","max":5},{"meter":"requests","window":"60s","max":100},{"meter":"concurrency","max":3,"queue":{"size":10,"timeout":"10s"}}]}
            """);
        Assert.True(status == 201, text);
        var created = ControlServer.Parse(text);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("pol_", id, StringComparison.Ordinal);
        var policy = created.GetProperty("policy");
        Assert.Equal("anthropic", policy.GetProperty("platforms")[0].GetString());
        Assert.Equal("claude-haiku-*", policy.GetProperty("models").GetProperty("allow")[0].GetString());
        Assert.Equal("claude-opus-*", policy.GetProperty("models").GetProperty("deny")[0].GetString());
        Assert.Equal("claude-code", policy.GetProperty("clients")[0].GetString());
        Assert.Equal(account, policy.GetProperty("account").GetString());
        Assert.True(policy.GetProperty("fallbackToPool").GetBoolean());
        var limits = created.GetProperty("limits");
        Assert.Equal(3, limits.GetArrayLength());
        Assert.Equal("cost", limits[0].GetProperty("meter").GetString());
        Assert.Equal("1d", limits[0].GetProperty("window").GetString());
        Assert.Equal(5m, limits[0].GetProperty("max").GetDecimal());
        // Windows are shown in their canonical form ("60s" reads back as "1m").
        Assert.Equal("1m", limits[1].GetProperty("window").GetString());
        Assert.False(limits[2].TryGetProperty("window", out _));
        Assert.Equal(10, limits[2].GetProperty("queue").GetProperty("size").GetInt32());
        Assert.Equal("10s", limits[2].GetProperty("queue").GetProperty("timeout").GetString());
        Assert.Equal(0, created.GetProperty("keys").GetInt32());

        Assert.Equal(text, (await Server.GetAsync($"api/policies/{id}")).Text);
        Assert.Contains(ControlServer.Parse((await Server.GetAsync("api/policies")).Text).GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == id);

        // Each given field replaces: the new policy drops the account binding, limits stay.
        var patched = ControlServer.Parse((await Server.PatchAsync($"api/policies/{id}", """{"policy":{"models":{"deny":["*opus*"]}},"description":null}""")).Text);
        Assert.False(patched.GetProperty("policy").TryGetProperty("account", out _));
        Assert.Empty(patched.GetProperty("policy").GetProperty("platforms").EnumerateArray());
        Assert.Equal(3, patched.GetProperty("limits").GetArrayLength());
        Assert.False(patched.TryGetProperty("description", out _));

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/policies/{id}")).Status);
        ControlServer.AssertError(404, "not_found", await Server.GetAsync($"api/policies/{id}"));
    }

    [Fact]
    public async Task Delete_is_refused_while_keys_point_at_it_and_the_view_counts_them()
    {
        var id = ControlServer.Parse((await Server.PostAsync("api/policies", $$"""{"name":"{{Unique("in-use")}}"}""")).Text).GetProperty("id").GetString()!;
        var key = ControlServer.Parse((await Server.PostAsync("api/keys", $$"""{"name":"pointing","policyId":"{{id}}"}""")).Text).GetProperty("id").GetString()!;

        Assert.Equal(1, ControlServer.Parse((await Server.GetAsync($"api/policies/{id}")).Text).GetProperty("keys").GetInt32());
        var refused = await Server.SendAsync(HttpMethod.Delete, $"api/policies/{id}");
        ControlServer.AssertError(409, "conflict", refused);
        Assert.Contains(key, refused.Text, StringComparison.Ordinal);

        Assert.Equal(200, (await Server.PatchAsync($"api/keys/{key}", """{"policyId":null}""")).Status);
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/policies/{id}")).Status);
    }

    [Fact]
    public async Task Duplicate_names_are_a_409()
    {
        var name = Unique("twice");
        Assert.Equal(201, (await Server.PostAsync("api/policies", $$"""{"name":"{{name}}"}""")).Status);
        ControlServer.AssertError(409, "conflict", await Server.PostAsync("api/policies", $$"""{"name":"{{name.ToUpperInvariant()}}"}"""));
    }

    [Fact]
    public async Task Client_families_defined_in_settings_are_accepted()
    {
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/policies", $$$"""{"name":"{{{Unique("bots")}}}","policy":{"clients":["ci-bot-x"]}}"""));

        Assert.Equal(200, (await Server.PatchAsync("api/settings", """{"clientPatterns":[{"family":"ci-bot-x","userAgent":"acme-ci/*"}]}""")).Status);
        var (status, text) = await Server.PostAsync("api/policies", $$$"""{"name":"{{{Unique("bots")}}}","policy":{"clients":["CI-Bot-X","claude-code"]}}""");
        Assert.True(status == 201, text);
        Assert.Equal(["ci-bot-x", "claude-code"], ControlServer.Parse(text).GetProperty("policy").GetProperty("clients").EnumerateArray().Select(c => c.GetString()));

        // The family is in use now: settings may not drop it.
        ControlServer.AssertError(409, "conflict", await Server.PatchAsync("api/settings", """{"clientPatterns":[]}"""));
    }

    [Theory]
    [InlineData("""{"name":"p","policy":{"platforms":["mainframe"]}}""", "policy.platforms[0]")]
    [InlineData("""{"name":"p","policy":{"platforms":[""]}}""", "policy.platforms[0]")]
    [InlineData("""{"name":"p","policy":{"group":"grp_nope"}}""", "policy.group")]
    [InlineData("""{"name":"p","policy":{"account":"acc_nope"}}""", "policy.account")]
    [InlineData("""{"name":"p","policy":{"clients":["netscape"]}}""", "policy.clients[0]")]
    [InlineData("""{"name":"p","policy":{"models":{"allow":[" "]}}}""", "policy.models.allow[0]")]
    [InlineData("""{"name":"p","policy":{"models":{"alow":["x"]}}}""", "policy.models.alow")]
    [InlineData("""{"name":"p","policy":{"platform":["anthropic"]}}""", "policy.platform")]
    [InlineData("""{"name":"p","policy":{"fallbackToPool":"yes"}}""", "policy.fallbackToPool")]
    [InlineData("""{"name":"p","policy":[]}""", "policy")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"1d"}]}""", "limits[0].max")]
    [InlineData("""{"name":"p","limits":[{"window":"1d","max":1}]}""", "limits[0].meter")]
    [InlineData("""{"name":"p","limits":[{"meter":"bananas","window":"1d","max":1}]}""", "limits[0]")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"2d","max":1}]}""", "limits[0]")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"1d","max":-1}]}""", "limits[0]")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"1d","max":"5"}]}""", "limits[0].max")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"1d","max":1,"per":"key"}]}""", "limits[0].per")]
    [InlineData("""{"name":"p","limits":[{"meter":"concurrency","max":2,"queue":{"size":0,"timeout":"1s"}}]}""", "limits[0]")]
    [InlineData("""{"name":"p","limits":[{"meter":"cost","window":"1d","max":1},{"meter":"cost","window":"1d","max":2}]}""", "limits[1]")]
    [InlineData("""{"name":"p","limits":null}""", "limits")]
    [InlineData("""{"name":""}""", "name")]
    public async Task Invalid_bodies_are_a_400_naming_the_field(string body, string field)
    {
        var response = await Server.PostAsync("api/policies", body);
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
    }
}
