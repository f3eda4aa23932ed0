using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Server.Forwarding;
using Relay.Server.Hosting;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// An https:// upstream behind an account's proxy: the fake upstream speaks TLS under a certificate made here, which
/// the relay under test trusts (through <see cref="UpstreamHttp"/>'s handler hook, on every handler of the pool).
/// Through an HTTP proxy the relay must open a <c>CONNECT</c> tunnel and do TLS end to end inside it; through SOCKS5
/// the same TLS runs inside the SOCKS tunnel.
/// </summary>
public sealed class AccountProxyTlsTests : IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;
    private FakeAnthropicUpstream _fake = null!;
    private RelayServer _relay = null!;

    public async Task InitializeAsync()
    {
        _certificate = LoopbackCertificate.Create();
        _fake = await FakeAnthropicUpstream.StartAsync(_certificate);
        var thumbprint = _certificate.GetCertHashString(HashAlgorithmName.SHA256);
        _relay = await RelayServer.StartAsync(new RelayServerOptions
        {
            Configure = builder => builder.Services.AddSingleton(sp => new UpstreamHttp(
                sp.GetRequiredService<RelayOptions>(),
                sp.GetRequiredService<ILogger<UpstreamHttp>>(),
                TimeProvider.System,
                handler => handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint)),
        });
    }

    public async Task DisposeAsync()
    {
        var leaks = _relay.LogLinesWithSecrets();
        await _relay.DisposeAsync();
        await _fake.DisposeAsync();
        _certificate.Dispose();
        Assert.True(leaks.Count == 0, "Secrets in log lines:\n" + string.Join("\n", leaks.Select(l => l.Line.ToString())));
    }

    [Fact]
    public async Task An_https_upstream_is_reached_through_a_connect_tunnel_of_an_authenticating_http_proxy()
    {
        var password = "tunnel-pw-" + RelayServer.RandomToken(12);
        _relay.AddKnownSecret(password);
        await using var http = LoopbackHttpProxy.Start("relay", password);
        var prefix = "ok-tls-connect";
        var account = await _relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = _fake.TlsBaseUrl(prefix), Proxy = http.Url("relay", password) });
        var key = await _relay.CreateKeyAsync();
        using var client = _relay.CreateClient(key.Key);

        using var plain = await client.PostAsync("v1/messages", Requests.Json(Requests.Messages()));
        using var streamed = await client.PostAsync("v1/messages", Requests.Json(Requests.Messages(stream: true, text: "stream please")));
        using var test = await _relay.Admin.PostAsync($"api/accounts/{account.Id}/test", null);

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.True((await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean());
        Assert.Equal(3, _fake.Count(prefix));

        // Only tunnels (authenticated), all to the TLS port; never a plain forwarded request.
        var tlsTarget = new Uri(_fake.TlsAddress!).Authority;
        Assert.Contains("CONNECT", http.Methods);
        Assert.All(http.Methods, m => Assert.Equal("CONNECT", m));
        Assert.InRange(http.Tunnels, 1, 3);
        Assert.Equal(0, http.Forwarded);
        Assert.All(http.Targets, t => Assert.Equal(tlsTarget, t));
        Assert.All(_fake.Requests(prefix), r => Assert.Contains(r.RemotePort, http.OutboundPorts));
    }

    [Fact]
    public async Task An_https_proxy_is_spoken_to_over_tls_and_tunnels_to_the_upstream()
    {
        await using var proxy = LoopbackHttpProxy.Start(tls: _certificate);
        var prefix = "ok-tls-https-proxy";
        await _relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = _fake.TlsBaseUrl(prefix), Proxy = proxy.Url() });
        var key = await _relay.CreateKeyAsync();
        using var client = _relay.CreateClient(key.Key);

        using var response = await client.PostAsync("v1/messages", Requests.Json(Requests.Messages()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("https://", proxy.Url(), StringComparison.Ordinal);
        Assert.True(proxy.TlsHandshakes >= 1);
        Assert.Equal(1, proxy.Tunnels);
        Assert.Contains(_fake.Requests(prefix)[0].RemotePort, proxy.OutboundPorts);
    }

    [Fact]
    public async Task An_https_upstream_is_reached_through_socks5()
    {
        await using var socks = LoopbackSocks5Proxy.Start();
        var prefix = "ok-tls-socks";
        await _relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = _fake.TlsBaseUrl(prefix), Proxy = socks.Url() });
        var key = await _relay.CreateKeyAsync();
        using var client = _relay.CreateClient(key.Key);

        using var response = await client.PostAsync("v1/messages", Requests.Json(Requests.Messages()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, socks.Tunnels);
        Assert.Contains(_fake.Requests(prefix)[0].RemotePort, socks.OutboundPorts);
    }
}
