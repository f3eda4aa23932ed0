using System.Collections.Frozen;
using Relay.Core.Groups;
using Relay.Core.Limits;
using Relay.Core.Policies;
using Relay.Core.Pricing;
using Relay.Core.Settings;

namespace Relay.Core.Snapshots;

/// <summary>
/// Everything the request path needs to know about configuration, frozen at one config version.
/// Replaced wholesale when configuration changes; never mutated, so readers need no locks.
/// </summary>
public sealed class RelaySnapshot
{
    public RelaySnapshot(
        long version,
        IEnumerable<AccountEntry> accounts,
        IEnumerable<KeyEntry> keys,
        PriceBook prices,
        IEnumerable<GroupRecord>? groups = null,
        RelaySettings? settings = null,
        ForwardingSettings? forwardingDefaults = null)
    {
        Version = version;

        // Sorted once here so the scheduler can walk priority tiers in order without sorting per request.
        var all = new AccountPool(accounts);
        Accounts = all.Accounts;
        AccountsById = Accounts.ToFrozenDictionary(a => a.Id, StringComparer.Ordinal);
        SharedPool = new AccountPool(Accounts.Where(a => a.Shared));
        KeysByHash = keys.ToFrozenDictionary(k => k.Record.Hash, StringComparer.Ordinal);
        KeysById = KeysByHash.Values.ToFrozenDictionary(k => k.Id, StringComparer.Ordinal);
        Groups = (groups ?? []).ToFrozenDictionary(
            g => g.Id,
            g => new GroupEntry(g, new AccountPool(Accounts.Where(a => a.Record.Groups.Contains(g.Id, StringComparer.Ordinal)), g.Id)),
            StringComparer.Ordinal);
        AccountsNeedUsageEstimate = Accounts.Any(a => a.WindowRules.Any(r => r.Meter is LimitMeter.Tokens or LimitMeter.Cost));
        Prices = prices;
        Settings = settings ?? RelaySettings.Default;
        Calendar = Settings.ToCalendar();
        Forwarding = (forwardingDefaults ?? ForwardingSettings.Default).With(Settings);
        Clients = Settings.ClientPatterns.Count == 0 ? ClientFamilies.BuiltInOnly : new ClientFamilies(Settings.ClientPatterns);
    }

    public static RelaySnapshot Empty { get; } = new(0, [], [], PriceBook.Shipped);

    public long Version { get; }

    /// <summary>Every account, shared or not, in scheduling order.</summary>
    public IReadOnlyList<AccountEntry> Accounts { get; }
    public FrozenDictionary<string, AccountEntry> AccountsById { get; }

    /// <summary>Accounts any key without a binding may use.</summary>
    public AccountPool SharedPool { get; }
    public FrozenDictionary<string, KeyEntry> KeysByHash { get; }
    public FrozenDictionary<string, KeyEntry> KeysById { get; }
    public FrozenDictionary<string, GroupEntry> Groups { get; }

    /// <summary>True when some account has token or cost limits, so requests need a usage estimate to reserve.</summary>
    public bool AccountsNeedUsageEstimate { get; }
    public PriceBook Prices { get; }
    public RelaySettings Settings { get; }

    /// <summary>The operator's calendar for "1d" and "1w" limit windows.</summary>
    public CalendarSettings Calendar { get; }

    /// <summary>Stickiness, failover budget and timeouts in force: the process settings with the live overrides applied.</summary>
    public ForwardingSettings Forwarding { get; }

    /// <summary>Client families for key policies: built-in plus the operator's patterns.</summary>
    public ClientFamilies Clients { get; }
}
