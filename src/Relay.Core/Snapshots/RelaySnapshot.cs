using System.Collections.Frozen;
using Relay.Core.Pricing;

namespace Relay.Core.Snapshots;

/// <summary>
/// Everything the request path needs to know about configuration, frozen at one config version.
/// Replaced wholesale when configuration changes; never mutated, so readers need no locks.
/// </summary>
public sealed class RelaySnapshot
{
    public RelaySnapshot(long version, IEnumerable<AccountEntry> accounts, IEnumerable<KeyEntry> keys, PriceBook prices)
    {
        Version = version;

        // Sorted once here so the scheduler can walk priority tiers in order without sorting per request.
        Accounts = [.. accounts.OrderBy(a => a.Priority).ThenBy(a => a.Id, StringComparer.Ordinal)];
        AccountsById = Accounts.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        KeysByHash = keys.ToFrozenDictionary(k => k.Record.Hash, StringComparer.Ordinal);
        Prices = prices;
    }

    public static RelaySnapshot Empty { get; } = new(0, [], [], PriceBook.Shipped);

    public long Version { get; }
    public IReadOnlyList<AccountEntry> Accounts { get; }
    public FrozenDictionary<string, AccountEntry> AccountsById { get; }
    public FrozenDictionary<string, KeyEntry> KeysByHash { get; }
    public PriceBook Prices { get; }
}
