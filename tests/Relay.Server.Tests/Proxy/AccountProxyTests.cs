using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Policies;
using Relay.Server.Forwarding;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Accounts behind their own egress proxy (<c>proxy</c>): real loopback HTTP and SOCKS5 proxies between the relay and
/// the fake upstream. The fake records each request's remote port and each proxy the local ports of the sockets it
/// opened, so "this request came through that proxy" is checked per request, not inferred from counts alone.
/// </summary>
public sealed class AccountProxyTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Each_account_goes_through_its_own_proxy_and_a_direct_account_through_none()
    {
        await using var http = LoopbackHttpProxy.Start();
        var password = "socks-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(password);
        await using var socks = LoopbackSocks5Proxy.Start("relay", password);

        var (viaHttp, httpPrefix) = await AddProxiedAccountAsync("ok", http.Url());
        var (viaSocks, socksPrefix) = await AddProxiedAccountAsync("ok", socks.Url("relay", password));
        var (direct, directPrefix) = await AddAccountAsync("ok");

        foreach (var account in new[] { viaHttp, viaSocks, direct })
        {
            var client = await ClientBoundToAsync(account.Id);
            for (var i = 0; i < 3; i++)
            {
                var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: i == 1, text: $"hello {i}"));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        var fakeTarget = new Uri(Fake.Address).Authority;
        Assert.Equal(3, Fake.Count(httpPrefix));
        Assert.Equal(3, Fake.Count(socksPrefix));
        Assert.Equal(3, Fake.Count(directPrefix));

        // HTTP proxy: one absolute-form request per connection, exactly the HTTP account's requests.
        Assert.Equal(3, http.Forwarded);
        Assert.Equal(0, http.Tunnels);
        Assert.All(http.Targets, t => Assert.Equal(fakeTarget, t));
        Assert.All(Fake.Requests(httpPrefix), r => Assert.Contains(r.RemotePort, http.OutboundPorts));

        // SOCKS5: authenticated tunnels (kept alive, so possibly fewer than requests) carrying exactly the SOCKS account's requests.
        Assert.InRange(socks.Tunnels, 1, 3);
        Assert.Equal(0, socks.AuthFailures);
        Assert.Equal(socks.Tunnels, socks.AuthSuccesses);
        Assert.All(socks.Targets, t => Assert.Equal(fakeTarget, t));
        Assert.All(Fake.Requests(socksPrefix), r => Assert.Contains(r.RemotePort, socks.OutboundPorts));

        // The direct account touched neither proxy.
        Assert.All(Fake.Requests(directPrefix), r =>
        {
            Assert.DoesNotContain(r.RemotePort, http.OutboundPorts);
            Assert.DoesNotContain(r.RemotePort, socks.OutboundPorts);
        });

        // The account test takes the same road.
        var tunnelsBefore = socks.Tunnels + socks.AuthSuccesses;
        using var test = await Relay.Admin.PostAsync($"api/accounts/{viaSocks.Id}/test", null);
        Assert.True((await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        Assert.Equal(4, Fake.Count(socksPrefix));
        Assert.Contains(Fake.Requests(socksPrefix)[^1].RemotePort, socks.OutboundPorts);
        Assert.True(socks.Tunnels + socks.AuthSuccesses >= tunnelsBefore);
    }

    [Fact]
    public async Task Wrong_socks_credentials_fail_over_and_the_last_error_names_the_proxy_without_the_password()
    {
        var wrongPassword = "wrong-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(wrongPassword);
        var rightPassword = "right-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(rightPassword);
        await using var socks = LoopbackSocks5Proxy.Start("relay", rightPassword);
        var (refused, refusedPrefix) = await AddProxiedAccountAsync("ok", socks.Url("relay", wrongPassword), priority: 1);
        var (_, fallbackPrefix) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Fake.Count(refusedPrefix));
        Assert.Equal(1, Fake.Count(fallbackPrefix));
        Assert.True(socks.AuthFailures >= 1);
        var view = await AccountJsonAsync(refused.Id);
        Assert.Equal("cooling", view.GetProperty("status").GetProperty("state").GetString());
        var message = view.GetProperty("status").GetProperty("lastError").GetProperty("message").GetString()!;
        Assert.Contains($"proxy socks5://127.0.0.1:{socks.Port}", message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, view.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_proxy_refusing_the_credentials_fails_over_and_its_407_never_reaches_the_client()
    {
        var wrongPassword = "wrong-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(wrongPassword);
        var rightPassword = "right-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(rightPassword);
        await using var http = LoopbackHttpProxy.Start("relay", rightPassword);
        var (refused, refusedPrefix) = await AddProxiedAccountAsync("ok", http.Url("relay", wrongPassword), priority: 1);
        var (_, fallbackPrefix) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Fake.Count(refusedPrefix));
        Assert.Equal(1, Fake.Count(fallbackPrefix));
        Assert.True(http.Rejected >= 1);
        Assert.Equal(0, http.Forwarded);
        var view = await AccountJsonAsync(refused.Id);
        var message = view.GetProperty("status").GetProperty("lastError").GetProperty("message").GetString()!;
        Assert.Equal($"proxy http://127.0.0.1:{http.Port} refused the credentials (407)", message);
        Assert.DoesNotContain(wrongPassword, view.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_proxy_is_a_connect_failure_that_fails_over()
    {
        var http = LoopbackHttpProxy.Start();
        var url = http.Url();
        await http.DisposeAsync();
        var (stopped, stoppedPrefix) = await AddProxiedAccountAsync("ok", url, priority: 1);
        var (_, fallbackPrefix) = await AddAccountAsync("ok", priority: 2);
        var (_, client) = await NewClientAsync();

        var (response, _) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, Fake.Count(stoppedPrefix));
        Assert.Equal(1, Fake.Count(fallbackPrefix));
        var status = (await AccountJsonAsync(stopped.Id)).GetProperty("status");
        Assert.Equal("cooling", status.GetProperty("state").GetString());
        Assert.Equal(0, status.GetProperty("lastError").GetProperty("status").GetInt32());
        Assert.StartsWith($"upstream unreachable through proxy {url}", status.GetProperty("lastError").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_proxy_applies_to_the_next_request_and_releases_the_old_handler()
    {
        var pool = Relay.Services.GetRequiredService<UpstreamHttp>();
        pool.RetireGrace = TimeSpan.FromMilliseconds(100);
        await using var first = LoopbackHttpProxy.Start();
        await using var second = LoopbackSocks5Proxy.Start();
        var (account, prefix) = await AddProxiedAccountAsync("ok", first.Url());
        var client = await ClientBoundToAsync(account.Id);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        Assert.Contains(Fake.Requests(prefix)[^1].RemotePort, first.OutboundPorts);
        Assert.Equal(new[] { $"http://127.0.0.1:{first.Port}" }, pool.ProxyHandlers);

        // To SOCKS (socks5h: names resolved by the proxy): the very next request goes there, the old handler is let go.
        await PatchAsync(account.Id, $$"""{"proxy":"{{second.Url(scheme: "socks5h")}}"}""");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: "again"))).Response.StatusCode);
        Assert.Contains(Fake.Requests(prefix)[^1].RemotePort, second.OutboundPorts);
        Assert.Equal(1, first.Forwarded);
        await WaitForAsync(() => pool.ProxyHandlers.SequenceEqual(new[] { $"socks5h://127.0.0.1:{second.Port}" }));

        // Removed ("" or null): direct again, and no proxy handler is left.
        await PatchAsync(account.Id, """{"proxy":null}""");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages(text: "direct"))).Response.StatusCode);
        var last = Fake.Requests(prefix)[^1].RemotePort;
        Assert.DoesNotContain(last, first.OutboundPorts);
        Assert.DoesNotContain(last, second.OutboundPorts);
        Assert.False((await AccountJsonAsync(account.Id)).TryGetProperty("proxy", out _));
        await WaitForAsync(() => pool.ProxyHandlers.Count == 0);
    }

    [Fact]
    public async Task Two_accounts_on_one_proxy_share_one_handler()
    {
        var pool = Relay.Services.GetRequiredService<UpstreamHttp>();
        await using var http = LoopbackHttpProxy.Start();
        var (a, _) = await AddProxiedAccountAsync("ok", http.Url());
        var (b, _) = await AddProxiedAccountAsync("ok", http.Url());

        foreach (var id in new[] { a.Id, b.Id })
        {
            var client = await ClientBoundToAsync(id);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/v1/messages", Requests.Messages())).Response.StatusCode);
        }

        Assert.Single(pool.ProxyHandlers);
        Assert.Equal(2, http.Forwarded);
    }

    [Fact]
    public async Task The_view_shows_the_proxy_without_its_password_and_bad_urls_are_refused()
    {
        var password = "view-pw-" + RelayServer.RandomToken(12);
        Relay.AddKnownSecret(password);
        var (account, _) = await AddProxiedAccountAsync("ok", $"socks5://alice:{password}@127.0.0.1:1080");

        var view = await AccountJsonAsync(account.Id);
        var proxy = view.GetProperty("proxy");
        Assert.Equal("socks5://alice:****@127.0.0.1:1080", proxy.GetProperty("url").GetString());
        Assert.Equal("socks5", proxy.GetProperty("scheme").GetString());
        Assert.Equal("127.0.0.1", proxy.GetProperty("host").GetString());
        Assert.Equal(1080, proxy.GetProperty("port").GetInt32());
        Assert.True(proxy.GetProperty("hasCredentials").GetBoolean());
        Assert.DoesNotContain(password, await Relay.Admin.GetStringAsync("api/accounts"), StringComparison.Ordinal);

        foreach (var bad in new[] { "ftp://h:21", "http://proxy.local", "http://h:8080/path", "http://h:8080?x=1", "socks5://:1080", "http://h:0", "not a url" })
        {
            using var response = await Relay.Admin.PatchAsync($"api/accounts/{account.Id}", JsonContent.Create(new { proxy = bad }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("'proxy'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Unchanged by the refused updates; "" removes it.
        Assert.Equal("socks5://alice:****@127.0.0.1:1080", (await AccountJsonAsync(account.Id)).GetProperty("proxy").GetProperty("url").GetString());
        await PatchAsync(account.Id, """{"proxy":""}""");
        Assert.False((await AccountJsonAsync(account.Id)).TryGetProperty("proxy", out _));
    }

    private async Task<(AccountView Account, string Prefix)> AddProxiedAccountAsync(string scenario, string proxy, int? priority = null)
    {
        var prefix = NewPrefix(scenario);
        var account = await Relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = Fake.BaseUrl(prefix), Proxy = proxy, Priority = priority });
        return (account, prefix);
    }

    /// <summary>A client whose key is dedicated to one account, so every request lands there.</summary>
    private async Task<HttpClient> ClientBoundToAsync(string accountId)
    {
        var (key, client) = await NewClientAsync();
        await Relay.SetKeyPolicyAsync(key.Id, KeyPolicy.Unrestricted with { Account = accountId });
        return client;
    }

    private async Task PatchAsync(string accountId, string body)
    {
        using var response = await Relay.Admin.PatchAsync($"api/accounts/{accountId}", Requests.Json(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> AccountJsonAsync(string accountId) =>
        JsonDocument.Parse(await Relay.Admin.GetStringAsync("api/accounts/" + accountId)).RootElement.Clone();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not met within 10 seconds.");
            await Task.Delay(25);
        }
    }
}
