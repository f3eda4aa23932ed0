using Relay.Core.Security;

namespace Relay.Server.Tests.Control;

public sealed class KeyApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    [Fact]
    public async Task The_key_is_shown_once_and_only_its_hash_is_kept()
    {
        var (status, text) = await Server.PostAsync("api/keys", """{"name":"laptop"}""");
        Assert.Equal(201, status);
        var created = ControlServer.Parse(text);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("key_", id, StringComparison.Ordinal);
        Assert.StartsWith("cr_", key, StringComparison.Ordinal);
        Assert.StartsWith(created.GetProperty("prefix").GetString()!, key, StringComparison.Ordinal);
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("expiresAt").ValueKind);

        var entry = Server.Snapshot.KeysByHash[RelayKeyGenerator.Hash(key)];
        Assert.Equal(id, entry.Id);

        var get = await Server.GetAsync($"api/keys/{id}");
        var list = await Server.GetAsync("api/keys");
        Assert.Equal(200, get.Status);
        Assert.False(ControlServer.Parse(get.Text).TryGetProperty("key", out _));
        Assert.DoesNotContain(key, get.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Text, StringComparison.Ordinal);
        Assert.Contains(ControlServer.Parse(list.Text).GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(key, Server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_issues_a_new_key_and_the_old_one_stops_at_once()
    {
        var created = ControlServer.Parse((await Server.PostAsync("api/keys", """{"name":"rotating"}""")).Text);
        var id = created.GetProperty("id").GetString()!;
        var oldKey = created.GetProperty("key").GetString()!;

        var (status, text) = await Server.PostAsync($"api/keys/{id}/rotate", null);
        Assert.Equal(200, status);
        var rotated = ControlServer.Parse(text);
        var newKey = rotated.GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(id, rotated.GetProperty("id").GetString());
        Assert.Equal("rotating", rotated.GetProperty("name").GetString());

        var keys = Server.Snapshot.KeysByHash;
        Assert.False(keys.ContainsKey(RelayKeyGenerator.Hash(oldKey)));
        Assert.Equal(id, keys[RelayKeyGenerator.Hash(newKey)].Id);
        Assert.DoesNotContain(newKey, (await Server.GetAsync($"api/keys/{id}")).Text, StringComparison.Ordinal);

        ControlServer.AssertError(404, "not_found", await Server.PostAsync("api/keys/key_missing/rotate", null));
    }

    [Fact]
    public async Task Patch_renames_disables_and_sets_or_clears_expiry()
    {
        var created = ControlServer.Parse((await Server.PostAsync("api/keys", """{"name":"patch-me","expiresAt":"2030-01-02T03:04:05Z"}""")).Text);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), created.GetProperty("expiresAt").GetDateTimeOffset());

        var renamed = ControlServer.Parse((await Server.PatchAsync($"api/keys/{id}", """{"name":"patched","enabled":false}""")).Text);
        Assert.Equal("patched", renamed.GetProperty("name").GetString());
        Assert.False(renamed.GetProperty("enabled").GetBoolean());
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), renamed.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.NotNull(Server.Snapshot.KeysByHash.Values.Single(k => k.Id == id).RefusalReason(DateTimeOffset.UtcNow));

        var cleared = ControlServer.Parse((await Server.PatchAsync($"api/keys/{id}", """{"expiresAt":null}""")).Text);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cleared.GetProperty("expiresAt").ValueKind);
        Assert.Equal("patched", cleared.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name":""}""")]
    [InlineData("""{"name":7}""")]
    [InlineData("""{"name":"k","expiresAt":"next tuesday"}""")]
    [InlineData("""{"name":"k","enabled":"no"}""")]
    [InlineData("""{"name":"k","owner":"me"}""")]
    [InlineData("""not json""")]
    public async Task Create_refuses_invalid_bodies(string body) =>
        ControlServer.AssertError(400, "invalid_request", await Server.PostAsync("api/keys", body));

    [Fact]
    public async Task Delete_removes_the_key_from_the_snapshot()
    {
        var created = ControlServer.Parse((await Server.PostAsync("api/keys", """{"name":"doomed"}""")).Text);
        var id = created.GetProperty("id").GetString()!;
        var hash = RelayKeyGenerator.Hash(created.GetProperty("key").GetString()!);
        Assert.True(Server.Snapshot.KeysByHash.ContainsKey(hash));

        Assert.Equal(204, (await Server.SendAsync(HttpMethod.Delete, $"api/keys/{id}")).Status);
        Assert.False(Server.Snapshot.KeysByHash.ContainsKey(hash));
        ControlServer.AssertError(404, "not_found", await Server.GetAsync($"api/keys/{id}"));
        ControlServer.AssertError(404, "not_found", await Server.PatchAsync($"api/keys/{id}", """{"name":"x"}"""));
    }
}
