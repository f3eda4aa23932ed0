using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>
/// ChatGPT's sign-ins through the Control API against the fake provider: the browser flow whose loopback redirect
/// the operator pastes back, the device flow (user code, pending polls, approval), and the account's proxy carrying
/// every call to the provider.
/// </summary>
public sealed class ChatGptSignInApiTests(UpstreamFixture upstream) : OAuthSignInTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task The_redirect_address_pasted_back_creates_a_responses_account_named_by_the_id_token()
    {
        var prefix = NewPrefix("chatgpt");
        var started = await StartAsync("chatgpt", new { account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });
        var query = QueryHelpers.ParseQuery(new Uri((string)started["authorizeUrl"]!).Query);
        Assert.False(query.ContainsKey("code"));
        Assert.Equal("openid profile email offline_access", query["scope"]);
        Assert.False(query.ContainsKey("originator"));

        // The browser is sent to the loopback redirect, which does not load on a remote relay: its address is pasted.
        var location = await FakeOAuthProvider.SignInAsync((string)started["authorizeUrl"]!);
        Assert.StartsWith(OAuth.RedirectUri + "?code=", location, StringComparison.Ordinal);
        var (status, view) = await CompleteAsync("chatgpt", started, location);

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.Equal("application/x-www-form-urlencoded", OAuth.LastContentType);
        Assert.False(OAuth.LastForm.ContainsKey("state"));
        Assert.Equal("openai", (string)view["platform"]!);
        Assert.Equal(["responses"], view["shapes"]!.AsArray().Select(s => (string)s!));
        var oauth = view["oauth"]!;
        Assert.Equal("chatgpt", (string)oauth["provider"]!);
        Assert.Equal(OAuth.ChatGptAccountId, (string)oauth["accountId"]!);
        Assert.Equal(OAuth.Email, (string)oauth["email"]!);
        Assert.Equal(OAuth.Plan, (string)oauth["plan"]!);
        Assert.True((bool)oauth["hasRefreshToken"]!);
    }

    [Fact]
    public async Task A_device_sign_in_is_pending_until_approved_then_makes_the_account()
    {
        var prefix = NewPrefix("device");
        var started = await StartAsync("chatgpt", new { method = "device", account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix) } });

        Assert.Equal("device", (string)started["method"]!);
        Assert.Equal(OAuth.BaseUrl + "/device", (string)started["verificationUrl"]!);
        Assert.Equal(OAuth.UserCode, (string)started["userCode"]!);
        Assert.Equal(1, (int)started["intervalSeconds"]!);
        Assert.False(started.AsObject().ContainsKey("authorizeUrl"));
        var poll = new { sessionId = (string)started["sessionId"]! };

        var (pendingStatus, pending) = await PostAsync("api/accounts/oauth/chatgpt/poll", poll);
        Assert.Equal(HttpStatusCode.Accepted, pendingStatus);
        Assert.Equal("pending", (string)pending["status"]!);
        Assert.Equal(1, (int)pending["intervalSeconds"]!);

        OAuth.ApproveDevice();
        var (status, view) = await PostAsync("api/accounts/oauth/chatgpt/poll", poll);

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        Assert.Equal(OAuth.DeviceRedirectUri, OAuth.LastForm["redirect_uri"]);
        Assert.Equal(OAuth.ChatGptAccountId, (string)view["oauth"]!["accountId"]!);
        Assert.Equal(2, OAuth.DevicePolls);
        AssertError(HttpStatusCode.NotFound, "not_found", await PostAsync("api/accounts/oauth/chatgpt/poll", poll));
    }

    [Fact]
    public async Task A_denied_device_sign_in_ends_with_a_400()
    {
        var started = await StartAsync("chatgpt", new { method = "device", account = new { name = NewPrefix("denied") } });
        var poll = new { sessionId = (string)started["sessionId"]! };
        AssertError(HttpStatusCode.BadRequest, "invalid_request",
            await PostAsync("api/accounts/oauth/chatgpt/complete", new { sessionId = (string)started["sessionId"]!, code = "pasted-by-mistake" }), mentions: "poll");
        OAuth.DenyDevice();

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync("api/accounts/oauth/chatgpt/poll", poll), mentions: "access_denied");
        AssertError(HttpStatusCode.NotFound, "not_found", await PostAsync("api/accounts/oauth/chatgpt/poll", poll));
    }

    [Fact]
    public async Task An_unreachable_device_endpoint_is_a_502_upstream_unavailable()
    {
        OAuth.Down = true;

        AssertError(HttpStatusCode.BadGateway, "upstream_unavailable",
            await PostAsync("api/accounts/oauth/chatgpt/start", new { method = "device", account = new { name = NewPrefix("down") } }));
    }

    [Fact]
    public async Task Every_call_to_the_provider_goes_through_the_accounts_proxy()
    {
        await using var proxy = LoopbackHttpProxy.Start();
        var prefix = NewPrefix("proxied");
        var started = await StartAsync("chatgpt", new { method = "device", account = new { name = prefix, baseUrl = Fake.BaseUrl(prefix), proxy = proxy.Url() } });
        OAuth.ApproveDevice();

        var (status, view) = await PostAsync("api/accounts/oauth/chatgpt/poll", new { sessionId = (string)started["sessionId"]! });

        Assert.True(status == HttpStatusCode.Created, view.ToJsonString());
        var port = new Uri(OAuth.BaseUrl).Port;
        // Usercode, poll and exchange: three requests, each through the proxy.
        Assert.Equal(3, proxy.Targets.Count(t => t.Contains($":{port}", StringComparison.Ordinal)));
        Assert.Equal("http", (string)view["proxy"]!["scheme"]!);
    }
}
