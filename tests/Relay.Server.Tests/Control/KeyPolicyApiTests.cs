using System.Text.Json;
using Relay.Core.Limits;
using Relay.Core.Security;

namespace Relay.Server.Tests.Control;

/// <summary>The policy, limit and expiry fields of keys (issue 4), through the real API.</summary>
public sealed class KeyPolicyApiTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    private ControlServer Server => fixture.Server;

    private static string Unique(string name) => $"{name}-{ControlServer.RandomToken(8)}";

    private async Task<JsonElement> CreateKeyAsync(string body)
    {
        var (status, text) = await Server.PostAsync("api/keys", body);
        Assert.True(status == 201, text);
        return ControlServer.Parse(text);
    }

    [Fact]
    public async Task Inline_policy_limits_and_expiry_round_trip_and_reach_the_snapshot()
    {
        var created = await CreateKeyAsync("""
            {"name":"trial","policy":{"platforms":["anthropic"],"models":{"allow":["claude-haiku-*"]},"clients":["claude-code"]},
             "limits":[{"meter":"cost","window":"1d","max":2.5},{"meter":"concurrency","max":2,"queue":{"size":5,"timeout":"30s"}}],
             "expires":{"at":"2031-06-01T00:00:00Z","afterFirstUse":"30d"}}
            """);
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;

        var view = ControlServer.Parse((await Server.GetAsync($"api/keys/{id}")).Text);
        Assert.Equal("claude-haiku-*", view.GetProperty("policy").GetProperty("models").GetProperty("allow")[0].GetString());
        Assert.Equal("claude-code", view.GetProperty("policy").GetProperty("clients")[0].GetString());
        Assert.False(view.TryGetProperty("policyId", out _));
        Assert.Equal(2.5m, view.GetProperty("limits")[0].GetProperty("max").GetDecimal());
        Assert.Equal("30s", view.GetProperty("limits")[1].GetProperty("queue").GetProperty("timeout").GetString());
        Assert.Equal("30d", view.GetProperty("expires").GetProperty("afterFirstUse").GetString());
        Assert.Equal(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero), view.GetProperty("expires").GetProperty("at").GetDateTimeOffset());

        // Never used: the fixed instant is the expiry so far.
        Assert.Equal(JsonValueKind.Null, view.GetProperty("firstUsedAt").ValueKind);
        Assert.Equal(new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero), view.GetProperty("expiresAt").GetDateTimeOffset());

        var record = Server.Snapshot.KeysByHash[RelayKeyGenerator.Hash(key)].Record;
        Assert.Equal(TimeSpan.FromDays(30), record.ExpiresAfterFirstUse);
        Assert.Equal(LimitMeter.Cost, record.Limits[0].Meter);
        Assert.Equal(["claude-haiku-*"], record.Policy!.Models.Allow);

        // The view never carries the hash.
        Assert.DoesNotContain(record.Hash, (await Server.GetAsync($"api/keys/{id}")).Text, StringComparison.Ordinal);
        Assert.DoesNotContain(record.Hash, (await Server.GetAsync("api/keys")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expires_at_after_first_use_shows_the_first_use_expiry()
    {
        var created = await CreateKeyAsync("""{"name":"relative","expires":{"afterFirstUse":"2w"}}""");

        Assert.Equal(JsonValueKind.Null, created.GetProperty("expiresAt").ValueKind);
        Assert.Equal("14d", created.GetProperty("expires").GetProperty("afterFirstUse").GetString());
        Assert.False(created.GetProperty("expires").TryGetProperty("at", out _));
    }

    [Fact]
    public async Task Patch_replaces_given_fields_and_explicit_nulls_clear()
    {
        var policy = ControlServer.Parse((await Server.PostAsync("api/policies", $$"""{"name":"{{Unique("shared")}}"}""")).Text).GetProperty("id").GetString()!;
        var created = await CreateKeyAsync("""{"name":"patchy","policy":{"platforms":["anthropic"]},"limits":[{"meter":"requests","window":"5h","max":10}],"expires":{"afterFirstUse":"7d"}}""");
        var id = created.GetProperty("id").GetString()!;

        // The legacy spelling sets the fixed instant and keeps the first-use span.
        var legacy = ControlServer.Parse((await Server.PatchAsync($"api/keys/{id}", """{"expiresAt":"2032-01-01T00:00:00Z"}""")).Text);
        Assert.Equal("7d", legacy.GetProperty("expires").GetProperty("afterFirstUse").GetString());
        Assert.Equal(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero), legacy.GetProperty("expiresAt").GetDateTimeOffset());

        // Switching to a shared policy needs the inline one cleared in the same request.
        ControlServer.AssertError(400, "invalid_request", await Server.PatchAsync($"api/keys/{id}", $$"""{"policyId":"{{policy}}"}"""));
        var switched = ControlServer.Parse((await Server.PatchAsync($"api/keys/{id}", $$"""{"policyId":"{{policy}}","policy":null,"expires":null}""")).Text);
        Assert.Equal(policy, switched.GetProperty("policyId").GetString());
        Assert.False(switched.TryGetProperty("policy", out _));
        Assert.False(switched.TryGetProperty("expires", out _));
        Assert.Equal(JsonValueKind.Null, switched.GetProperty("expiresAt").ValueKind);
        Assert.Equal(1, switched.GetProperty("limits").GetArrayLength());

        var cleared = ControlServer.Parse((await Server.PatchAsync($"api/keys/{id}", """{"policyId":null,"limits":[]}""")).Text);
        Assert.False(cleared.TryGetProperty("policyId", out _));
        Assert.Empty(cleared.GetProperty("limits").EnumerateArray());
        Assert.Equal("patchy", cleared.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"name":"k","policy":{},"policyId":"pol_x"}""", "policyId")]
    [InlineData("""{"name":"k","policyId":"pol_nope"}""", "policyId")]
    [InlineData("""{"name":"k","policy":{"group":"grp_nope"}}""", "policy.group")]
    [InlineData("""{"name":"k","policy":{"clients":["mosaic"]}}""", "policy.clients[0]")]
    [InlineData("""{"name":"k","policy":{"platforms":["gemini"]}}""", "policy.platforms[0]")]
    [InlineData("""{"name":"k","policy":{"modles":{}}}""", "policy.modles")]
    [InlineData("""{"name":"k","expires":{"afterFirstUse":"1.5d"}}""", "expires.afterFirstUse")]
    [InlineData("""{"name":"k","expires":{"afterFirstUse":"30"}}""", "expires.afterFirstUse")]
    [InlineData("""{"name":"k","expires":{"at":"soon"}}""", "expires.at")]
    [InlineData("""{"name":"k","expires":{"after":"30d"}}""", "expires.after")]
    [InlineData("""{"name":"k","expires":{"at":"2030-01-01T00:00:00Z"},"expiresAt":"2030-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name":"k","limits":[{"meter":"tokens","max":5}]}""", "limits[0]")]
    [InlineData("""{"name":"k","limits":[{"meter":"concurrency","window":"1m","max":5}]}""", "limits[0]")]
    [InlineData("""{"name":"k","limits":[{"meter":"concurrency","max":2,"queue":{"size":5,"timeout":"1h"}}]}""", "limits[0]")]
    [InlineData("""{"name":"k","limits":[{"meter":"cost","window":"1d","max":1,"queue":{"size":1,"timeout":"1s"}}]}""", "limits[0]")]
    [InlineData("""{"name":"k","limits":{"meter":"cost"}}""", "limits")]
    public async Task Invalid_fields_are_a_400_naming_the_field(string body, string field)
    {
        var response = await Server.PostAsync("api/keys", body);
        ControlServer.AssertError(400, "invalid_request", response);
        Assert.Contains(field, response.Text, StringComparison.Ordinal);
    }
}
