using System.Net;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>
/// Keys never leak: not into logs (checked after every Proxy test by <see cref="ProxyTestBase"/>, and here on
/// purpose through every error path), not into error bodies, not into Control API reads.
/// </summary>
public sealed class SecretsTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Error_paths_log_no_key_secret_or_token()
    {
        var (rejected, _) = await AddAccountAsync("401", priority: 1);
        var (cooled, _) = await AddAccountAsync("429", priority: 2);
        await AddAccountAsync("cut", priority: 3);
        var (key, client) = await NewClientAsync();
        var (expired, expiredClient) = await NewClientAsync(bearer: true);
        await Relay.UpdateKeyAsync(expired.Id, k => k with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        var unknown = "cr_" + RelayServer.RandomToken(43);
        using var unknownClient = Relay.CreateClient(unknown);

        var (cut, cutBody) = await PostAsync(client, "/v1/messages", Requests.Messages(stream: true));
        var (_, expiredBody) = await PostAsync(expiredClient, "/v1/messages", Requests.Messages());
        var (_, unknownBody) = await PostAsync(unknownClient, "/v1/messages?beta=true", Requests.Messages());
        var (_, badJsonBody) = await PostAsync(client, "/v1/messages", "{\"model\":");

        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        Assert.Contains("event: error", cutBody, StringComparison.Ordinal);
        var secrets = Relay.KnownSecrets.Append(unknown).ToList();
        foreach (var body in new[] { cutBody, expiredBody, unknownBody, badJsonBody })
        {
            Assert.All(secrets, s => Assert.DoesNotContain(s, body, StringComparison.Ordinal));
        }

        // The log sink works (the failures were logged) and holds none of the secrets.
        Assert.Contains(Relay.Logs, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains(rejected.Id, StringComparison.Ordinal));
        Assert.Contains(Relay.Logs, l => l.Text.Contains(cooled.Id, StringComparison.Ordinal));
        Assert.All(Relay.Logs, line => Assert.All(secrets, s => Assert.DoesNotContain(s, line.Text, StringComparison.Ordinal)));
        Assert.Contains(key.Key, Relay.KnownSecrets);
    }

    [Fact]
    public async Task Control_api_reads_do_not_return_the_account_secret()
    {
        var (account, _) = await AddAccountAsync("ok");

        foreach (var path in new[] { "api/accounts/" + account.Id, "api/accounts" })
        {
            using var response = await Relay.Admin.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(account.Secret, body, StringComparison.Ordinal);
            Assert.DoesNotContain(account.Secret[..20], body, StringComparison.Ordinal);
        }
    }
}
