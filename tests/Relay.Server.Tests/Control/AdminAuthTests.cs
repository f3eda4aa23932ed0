using System.Net.Http.Headers;

namespace Relay.Server.Tests.Control;

public sealed class AdminAuthTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "api/accounts" },
        { "POST", "api/accounts" },
        { "GET", "api/accounts/acc_x" },
        { "PATCH", "api/accounts/acc_x" },
        { "DELETE", "api/accounts/acc_x" },
        { "POST", "api/accounts/acc_x/reset" },
        { "POST", "api/accounts/acc_x/test" },
        { "GET", "api/keys" },
        { "POST", "api/keys" },
        { "GET", "api/keys/key_x" },
        { "PATCH", "api/keys/key_x" },
        { "DELETE", "api/keys/key_x" },
        { "POST", "api/keys/key_x/rotate" },
        { "GET", "api/usage" },
        { "GET", "api/usage?from=garbage" },
        { "GET", "api/usage/events" },
        { "GET", "api/usage/events?limit=0" },
        { "GET", "api/usage/events.csv" },
        { "GET", "api/prices" },
        { "PUT", "api/prices/claude-x" },
        { "GET", "api/groups" },
        { "POST", "api/groups" },
        { "GET", "api/groups/grp_x" },
        { "PATCH", "api/groups/grp_x" },
        { "DELETE", "api/groups/grp_x" },
        { "GET", "api/policies" },
        { "POST", "api/policies" },
        { "GET", "api/policies/pol_x" },
        { "PATCH", "api/policies/pol_x" },
        { "DELETE", "api/policies/pol_x" },
        { "GET", "api/settings" },
        { "GET", "api/status" },
        { "GET", "api/admin-users" },
        { "POST", "api/admin-users" },
        { "PUT", "api/admin-users/admin/password" },
        { "DELETE", "api/admin-users/admin" },
        { "PATCH", "api/settings" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_a_missing_token(string method, string path)
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        var response = await fixture.Server.SendAsync(new HttpMethod(method), path, "{}", anonymous);
        ControlServer.AssertError(401, "unauthorized", response);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_a_wrong_token(string method, string path)
    {
        var wrong = "ra_" + ControlServer.RandomToken(40);
        using var client = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        var response = await fixture.Server.SendAsync(new HttpMethod(method), path, "{}", client);
        ControlServer.AssertError(401, "unauthorized", response);

        // The presented token is never echoed back.
        Assert.DoesNotContain(wrong, response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_an_unknown_session_cookie(string method, string path)
    {
        var forged = ControlServer.RandomToken(43);
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.Server.Client.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", $"relay_session={forged}");
        client.DefaultRequestHeaders.Add("X-CSRF-Token", forged);
        var response = await fixture.Server.SendAsync(new HttpMethod(method), path, "{}", client);
        ControlServer.AssertError(401, "unauthorized", response);
        Assert.DoesNotContain(forged, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_token_in_another_scheme_is_refused()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", fixture.Server.AdminToken);
        ControlServer.AssertError(401, "unauthorized", await fixture.Server.SendAsync(HttpMethod.Get, "api/accounts", client: client));
    }

    [Fact]
    public async Task The_right_token_is_accepted_and_a_401_sets_www_authenticate()
    {
        Assert.Equal(200, (await fixture.Server.GetAsync("api/accounts")).Status);

        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        using var response = await anonymous.GetAsync("api/keys");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }
}
