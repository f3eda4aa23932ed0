using System.Net;
using Relay.Server.Tests.Infrastructure;
using static Relay.Server.Tests.Infrastructure.AdmissionSetup;

namespace Relay.Server.Tests.Admission;

/// <summary>A restart does not hand anyone a fresh budget: daily and total counters start from the usage store.</summary>
public sealed class LimitRestartTests(UpstreamFixture upstream) : IClassFixture<UpstreamFixture>
{
    [Fact]
    public async Task Budgets_spent_before_a_restart_still_count_after_it()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "relay-tests", Guid.NewGuid().ToString("N"));
        try
        {
            IssuedKey key;
            await using (var first = await RelayServer.StartAsync(new RelayServerOptions { DataDir = dataDir }))
            {
                await first.CreateAccountAsync(new AccountSpec { Name = "ok-restart", BaseUrl = upstream.Fake.BaseUrl("ok-restart") });
                key = await first.CreateKeyAsync();
                await first.SetKeyLimitsAsync(key.Id, Rule("cost", "1d", 0.0009m), Rule("requests", "total", 5));
                using var client = first.CreateClient(key.Key);
                for (var i = 0; i < 3; i++)
                {
                    using var ok = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()));
                    Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                }
            }

            await using var second = await RelayServer.StartAsync(new RelayServerOptions { DataDir = dataDir });
            using var again = second.CreateClient(key.Key);
            using var refused = await again.SendAsync(Requests.Post("/v1/messages", Requests.Messages()));
            var body = await refused.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
            Assert.Contains("daily budget", body, StringComparison.Ordinal);

            var (_, me, _) = await second.GetMeAsync(key.Key);
            var requests = me.GetProperty("limits").EnumerateArray().Single(l => l.GetProperty("meter").GetString() == "requests");
            Assert.Equal(3m, requests.GetProperty("used").GetDecimal());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
