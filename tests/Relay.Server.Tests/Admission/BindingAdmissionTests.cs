using System.Net;
using Relay.Core.Policies;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>Which accounts a key may draw from: a group, a dedicated account (with or without falling back), or the shared pool.</summary>
public sealed class BindingAdmissionTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task A_key_bound_to_a_group_uses_only_its_accounts_and_usage_names_the_group()
    {
        var (shared, sharedPrefix) = await AddAccountAsync("ok", priority: 1);
        var (member, memberPrefix) = await AddAccountAsync("ok", priority: 9);
        var groupId = await Relay.CreateGroupAsync("team-a", member.Id);
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Group: groupId));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        }

        Assert.Equal(4, Fake.Count(memberPrefix));
        Assert.Equal(0, Fake.Count(sharedPrefix));
        var events = await Relay.WaitForUsageAsync(4);
        Assert.All(events, e => Assert.Equal(groupId, e.GroupId));
        Assert.All(events, e => Assert.Equal(member.Id, e.AccountId));
        _ = shared;

        // The usage report by group names it.
        using var report = await Relay.Admin.GetAsync("api/usage?groupBy=group");
        using var json = System.Text.Json.JsonDocument.Parse(await report.Content.ReadAsStringAsync());
        var row = Assert.Single(json.RootElement.GetProperty("byGroup").EnumerateArray());
        Assert.Equal(groupId, row.GetProperty("group").GetString());
        Assert.Equal("team-a", row.GetProperty("name").GetString());
        Assert.Equal(4, row.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task An_account_that_is_not_shared_serves_only_keys_bound_to_it()
    {
        var (_, sharedPrefix) = await AddAccountAsync("ok", priority: 9);
        var (privateAccount, privatePrefix) = await AddAccountAsync("ok", priority: 1);
        await Relay.UpdateAccountAsync(privateAccount.Id, a => a with { Shared = false });
        var (_, unbound) = await NewClientAsync();
        var (bound, boundClient) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(bound.Id, new KeyPolicy([], ModelRules.Any, [], Account: privateAccount.Id));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(unbound, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(boundClient, "/v1/messages", Requests.Messages())).Response.StatusCode);

        Assert.Equal(1, Fake.Count(sharedPrefix));
        Assert.Equal(1, Fake.Count(privatePrefix));
    }

    [Fact]
    public async Task A_down_dedicated_account_gives_a_clear_503_unless_the_key_may_fall_back()
    {
        var (_, poolPrefix) = await AddAccountAsync("ok");
        var (dedicated, dedicatedPrefix) = await AddAccountAsync("429");
        await Relay.UpdateAccountAsync(dedicated.Id, a => a with { Shared = false });
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Account: dedicated.Id));

        // First call: the dedicated account answers 429 and cools down; there is nowhere else to go.
        var first = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.TooManyRequests, first.Response.StatusCode);

        // Now it is cooling: refused before anything is sent, saying why.
        var (response, body) = await PostAsync(client, "/v1/messages", Requests.Messages());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        AssertAnthropicError(body, "api_error");
        Assert.Contains("dedicated", body, StringComparison.Ordinal);
        Assert.NotNull(Header(response, "retry-after"));
        Assert.Equal(1, Fake.Count(dedicatedPrefix));
        Assert.Equal(0, Fake.Count(poolPrefix));
        Assert.DoesNotContain(dedicated.Id, body, StringComparison.Ordinal);

        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Account: dedicated.Id, FallbackToPool: true));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(1, Fake.Count(poolPrefix));
    }

    [Fact]
    public async Task A_dedicated_account_that_fails_mid_request_fails_over_to_the_pool_only_with_fallback()
    {
        var (_, poolPrefix) = await AddAccountAsync("ok");
        var (dedicated, _) = await AddAccountAsync("500");
        await Relay.UpdateAccountAsync(dedicated.Id, a => a with { Shared = false });
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, new KeyPolicy([], ModelRules.Any, [], Account: dedicated.Id, FallbackToPool: true));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Equal(1, Fake.Count(poolPrefix));
    }
}
