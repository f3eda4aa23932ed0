using System.Net;
using Relay.Core.Policies;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary><c>GET /api/me</c>: a key holder sees their own key and nothing about other keys or the pool.</summary>
public sealed class SelfServiceTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task A_key_reads_its_own_usage_limits_expiry_and_models_only()
    {
        var (account, _) = await AddAccountAsync("ok", modelMap: new Dictionary<string, string> { ["team-default"] = "claude-sonnet-4-5" });
        var (mine, myClient) = await NewClientAsync();
        var (other, otherClient) = await NewClientAsync();
        var expires = DateTimeOffset.UtcNow.AddDays(10);
        await Relay.UpdateKeyAsync(mine.Id, k => k with
        {
            ExpiresAt = expires,
            Limits = [Rule("cost", "1d", 5), Rule("concurrency", null, 2, 4, "10s")],
            Policy = new KeyPolicy([], Models(deny: ["claude-opus-*"]), []),
        });
        await PostAsync(myClient, "/v1/messages", Requests.Messages());
        await PostAsync(myClient, "/v1/messages", Requests.Messages());
        await PostAsync(otherClient, "/v1/messages", Requests.Messages());
        await Relay.WaitForUsageAsync(3);

        var (status, me, text) = await Relay.GetMeAsync(mine.Key);

        Assert.Equal(200, status);
        Assert.Equal(mine.Id, me.GetProperty("key").GetProperty("id").GetString());
        Assert.Equal(expires.ToUnixTimeSeconds(), me.GetProperty("key").GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(2, me.GetProperty("usage").GetProperty("today").GetProperty("requests").GetInt64());
        Assert.Equal(2, me.GetProperty("usage").GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Equal(0.0006m, me.GetProperty("usage").GetProperty("total").GetProperty("cost").GetDecimal());
        var limits = me.GetProperty("limits").EnumerateArray().ToList();
        Assert.Equal(2, limits.Count);
        Assert.Equal(4.9994m, limits[0].GetProperty("remaining").GetDecimal());
        Assert.Equal("concurrency", limits[1].GetProperty("meter").GetString());
        var models = me.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("team-default", models);
        Assert.Contains("claude-sonnet-4-5", models);
        Assert.DoesNotContain("claude-opus-4-5", models);

        // Nothing about other keys, the account, or any secret.
        Assert.DoesNotContain(other.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Id, text, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(mine.Key, text, StringComparison.Ordinal);
        Assert.All(Relay.KnownSecrets, s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Works_with_x_api_key_too_and_refuses_without_a_valid_key()
    {
        var (mine, _) = await NewClientAsync();

        Assert.Equal(200, (await Relay.GetMeAsync(mine.Key, bearer: false)).Status);
        Assert.Equal(401, (await Relay.GetMeAsync(null)).Status);
        Assert.Equal(401, (await Relay.GetMeAsync("cr_" + RelayServer.RandomToken(43))).Status);

        // The admin token is not a relay key: /api/me is for key holders.
        Assert.Equal(401, (await Relay.GetMeAsync(Relay.AdminToken)).Status);

        await Relay.UpdateKeyAsync(mine.Id, k => k with { Enabled = false });
        var (status, _, text) = await Relay.GetMeAsync(mine.Key);
        Assert.Equal(401, status);
        Assert.Contains("disabled", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_bound_to_a_group_sees_the_group_name_and_only_its_models()
    {
        var (member, _) = await AddAccountAsync("ok");
        await Relay.UpdateAccountAsync(member.Id, a => a with { Models = ["claude-haiku-*"] });
        await AddAccountAsync("ok");
        var groupId = await Relay.CreateGroupAsync("interns", member.Id);
        var (key, _) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Group: groupId));

        var (_, me, _) = await Relay.GetMeAsync(key.Key);

        Assert.Equal("interns", me.GetProperty("policy").GetProperty("group").GetString());
        var models = me.GetProperty("models").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.NotEmpty(models);
        Assert.All(models, m => Assert.StartsWith("claude-haiku-", m, StringComparison.Ordinal));
    }
}
