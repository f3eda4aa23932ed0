namespace Relay.Server.Tests.Control;

public sealed class GroupApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private async Task<string> NewAccountAsync(string name) =>
        (await Server.CreateAccountAsync(name, "sk-" + ControlServer.RandomToken())).GetProperty("id").GetString()!;

    private static string Unique(string name) => $"{name}-{ControlServer.RandomToken(8)}";

    [Fact]
    public async Task Crud_round_trip_with_members()
    {
        var a1 = await NewAccountAsync("grp-member-1");
        var a2 = await NewAccountAsync("grp-member-2");
        var name = Unique("team");

        var (status, text) = await Server.PostAsync("api/groups", $$"""{"name":"{{name}}","description":"the team","accounts":["{{a1}}"]}""");
        Assert.True(status == 201, text);
        var created = ControlServer.Parse(text);
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("grp_", id, StringComparison.Ordinal);
        Assert.Equal("the team", created.GetProperty("description").GetString());
        Assert.Equal([a1], created.GetProperty("accounts").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, created.GetProperty("keys").GetInt32());

        // Membership shows on the account too, and in the request path's snapshot.
        Assert.Equal([id], ControlServer.Parse((await Server.GetAsync($"api/accounts/{a1}")).Text).GetProperty("groups").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(id, Server.Snapshot.AccountsById[a1].Record.Groups);

        var patched = ControlServer.Parse((await Server.PatchAsync($"api/groups/{id}", $$"""{"accounts":["{{a2}}"],"description":null}""")).Text);
        Assert.Equal([a2], patched.GetProperty("accounts").EnumerateArray().Select(e => e.GetString()));
        Assert.False(patched.TryGetProperty("description", out _));
        Assert.Equal(name, patched.GetProperty("name").GetString());
        Assert.Empty(ControlServer.Parse((await Server.GetAsync($"api/accounts/{a1}")).Text).GetProperty("groups").EnumerateArray());

        var list = ControlServer.Parse((await Server.GetAsync("api/groups")).Text).GetProperty("items");
        Assert.Contains(list.EnumerateArray(), g => g.GetProperty("id").GetString() == id);

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/groups/{id}")).Status);
        ControlServer.AssertError(404, "not_found", await Server.GetAsync($"api/groups/{id}"));
        Assert.Empty(ControlServer.Parse((await Server.GetAsync($"api/accounts/{a2}")).Text).GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task Duplicate_names_are_a_409_whatever_the_case()
    {
        var name = Unique("dup");
        Assert.Equal(201, (await Server.PostAsync("api/groups", $$"""{"name":"{{name}}"}""")).Status);
        var other = ControlServer.Parse((await Server.PostAsync("api/groups", $$"""{"name":"{{Unique("other")}}"}""")).Text).GetProperty("id").GetString();

        ControlServer.AssertError(409, "conflict", await Server.PostAsync("api/groups", $$"""{"name":"{{name.ToUpperInvariant()}}"}"""));
        ControlServer.AssertError(409, "conflict", await Server.PatchAsync($"api/groups/{other}", $$"""{"name":"{{name}}"}"""));
    }

    [Fact]
    public async Task Delete_is_refused_while_a_key_or_a_policy_draws_from_the_group()
    {
        var group = ControlServer.Parse((await Server.PostAsync("api/groups", $$"""{"name":"{{Unique("bound")}}"}""")).Text).GetProperty("id").GetString()!;
        var policy = ControlServer.Parse((await Server.PostAsync("api/policies", $$$"""{"name":"{{{Unique("via-group")}}}","policy":{"group":"{{{group}}}"}}""")).Text).GetProperty("id").GetString()!;
        var (keyStatus, keyText) = await Server.PostAsync("api/keys", $$$"""{"name":"grouped","policy":{"group":"{{{group}}}"}}""");
        Assert.True(keyStatus == 201, keyText);
        var key = ControlServer.Parse(keyText).GetProperty("id").GetString()!;
        var viaPolicy = ControlServer.Parse((await Server.PostAsync("api/keys", $$"""{"name":"grouped-by-policy","policyId":"{{policy}}"}""")).Text).GetProperty("id").GetString()!;

        var view = ControlServer.Parse((await Server.GetAsync($"api/groups/{group}")).Text);
        Assert.Equal(2, view.GetProperty("keys").GetInt32());
        Assert.Equal(1, view.GetProperty("policies").GetInt32());

        var refused = await Server.SendAsync(HttpMethod.Delete, $"api/groups/{group}");
        ControlServer.AssertError(409, "conflict", refused);
        Assert.Contains(key, refused.Text, StringComparison.Ordinal);

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/keys/{key}")).Status);
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/keys/{viaPolicy}")).Status);
        ControlServer.AssertError(409, "conflict", await Server.SendAsync(HttpMethod.Delete, $"api/groups/{group}"));
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/policies/{policy}")).Status);
        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/groups/{group}")).Status);
    }

    [Theory]
    [InlineData("""{}""", "name")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"x","accounts":["acc_nope"]}""", "accounts[0]")]
    [InlineData("""{"name":"x","accounts":"acc_1"}""", "accounts")]
    [InlineData("""{"name":"x","members":[]}""", "members")]
    [InlineData("""{"name":null}""", "name")]
    public async Task Invalid_bodies_are_a_400_naming_the_field(string body, string field)
    {
        var response = await Server.PostAsync("api/groups", body);
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_over_100_characters_is_refused_and_missing_ids_are_404()
    {
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/groups", $$"""{"name":"{{new string('g', 101)}}"}"""));
        ControlServer.AssertError(404, "not_found", await Server.PatchAsync("api/groups/grp_missing", """{"name":"x"}"""));
        ControlServer.AssertError(404, "not_found", await Server.SendAsync(HttpMethod.Delete, "api/groups/grp_missing"));
    }
}
