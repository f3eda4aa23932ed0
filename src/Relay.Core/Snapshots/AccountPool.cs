using System.Collections.Frozen;

namespace Relay.Core.Snapshots;

/// <summary>
/// The accounts a request may be scheduled on: the shared pool, a group's members, or one dedicated account.
/// Sorted by priority (then id) once, when the snapshot is built, so the scheduler walks tiers without sorting.
/// </summary>
public sealed class AccountPool
{
    public AccountPool(IEnumerable<AccountEntry> accounts, string? groupId = null)
    {
        Accounts = [.. accounts.OrderBy(a => a.Priority).ThenBy(a => a.Id, StringComparer.Ordinal)];
        Ids = Accounts.Select(a => a.Id).ToFrozenSet(StringComparer.Ordinal);
        GroupId = groupId;
    }

    public static AccountPool Empty { get; } = new([]);

    public IReadOnlyList<AccountEntry> Accounts { get; }

    /// <summary>The group this pool is, for usage accounting; null for the shared pool and dedicated accounts.</summary>
    public string? GroupId { get; }

    private FrozenSet<string> Ids { get; }

    public bool Contains(AccountEntry account) => Ids.Contains(account.Id);

    public static AccountPool Dedicated(AccountEntry account) => new([account]);
}
