using Relay.Core.Usage;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// A fake Anthropic upstream, the real relay in front of it, one account per scenario prefix and one relay key:
/// what a real client needs to talk to Relay as a user would.
/// </summary>
public sealed class ClientTestBed : IAsyncDisposable
{
    private ClientTestBed(FakeAnthropicUpstream upstream, RelayServer relay, IReadOnlyDictionary<string, AccountView> accounts, IssuedKey key)
    {
        Upstream = upstream;
        Relay = relay;
        Accounts = accounts;
        Key = key;
    }

    public FakeAnthropicUpstream Upstream { get; }
    public RelayServer Relay { get; }

    /// <summary>Accounts by the scenario prefix they point at.</summary>
    public IReadOnlyDictionary<string, AccountView> Accounts { get; }
    public IssuedKey Key { get; }

    /// <summary>The URL clients are given, e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => Relay.Url;

    /// <summary>Starts both servers and creates one equal account (default priority and weight) per prefix, plus a key.</summary>
    public static async Task<ClientTestBed> StartAsync(params string[] prefixes)
    {
        // Fail before starting anything when the Node packages are missing.
        NodeClients.RequireInstalled();

        var upstream = await FakeAnthropicUpstream.StartAsync();
        RelayServer? relay = null;
        try
        {
            relay = await RelayServer.StartAsync();
            var accounts = new Dictionary<string, AccountView>(StringComparer.Ordinal);
            foreach (var prefix in prefixes)
            {
                accounts[prefix] = await relay.CreateAccountAsync(new AccountSpec { Name = "acct-" + prefix, BaseUrl = upstream.BaseUrl(prefix) });
            }

            var key = await relay.CreateKeyAsync("clients");
            return new ClientTestBed(upstream, relay, accounts, key);
        }
        catch
        {
            if (relay is not null)
            {
                await relay.DisposeAsync();
            }

            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>Which prefix (account) an upstream request with this account id's requests went to.</summary>
    public string PrefixOf(string accountId) => Accounts.Single(a => a.Value.Id == accountId).Key;

    /// <summary>Waits for <paramref name="count"/> usage events, failing with what was there when they do not come.</summary>
    public async Task<IReadOnlyList<UsageEvent>> UsageAsync(int count)
    {
        var events = await Relay.WaitForUsageAsync(count, TimeSpan.FromSeconds(15));
        Assert.True(events.Count >= count, $"expected {count} usage event(s), found {events.Count}: {string.Join("; ", events)}");
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
