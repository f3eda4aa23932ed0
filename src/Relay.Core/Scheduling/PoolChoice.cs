using Relay.Core.Snapshots;

namespace Relay.Core.Scheduling;

/// <summary>
/// Where a key's request may be scheduled. <see cref="Pool"/> first; when it has no usable account and the key
/// allows it, <see cref="Fallback"/>. <see cref="Dedicated"/> is set when the key is bound to one account for this
/// platform, so a refusal can say so.
/// </summary>
public readonly record struct PoolChoice(AccountPool Pool, AccountPool? Fallback, string? DedicatedAccountId)
{
    /// <summary>
    /// Resolves a key's binding for a request in one client wire shape:
    /// <list type="bullet">
    /// <item>a dedicated account that can answer the shape: that account, then (with fallbackToPool) the key's group or the shared pool;</item>
    /// <item>a group: the group's accounts (shared or not);</item>
    /// <item>no binding: the shared accounts.</item>
    /// </list>
    /// A dedicated account that cannot answer the shape (e.g. a Responses-only account for Claude Code) does not bind it.
    /// </summary>
    public static PoolChoice For(RelaySnapshot snapshot, KeyEntry key, string clientShape)
    {
        var policy = key.Policy;
        var basePool = policy.Group is { } groupId
            ? snapshot.Groups.TryGetValue(groupId, out var group) ? group.Pool : AccountPool.Empty
            : snapshot.SharedPool;

        if (policy.Account is not { } accountId)
        {
            return new PoolChoice(basePool, null, null);
        }

        if (snapshot.AccountsById.TryGetValue(accountId, out var account))
        {
            return account.CanAnswer(clientShape)
                ? new PoolChoice(account.AsDedicatedPool, policy.FallbackToPool ? basePool : null, account.Id)
                : new PoolChoice(basePool, null, null);
        }

        // The dedicated account is gone: never silently widen the key's reach unless it allows the pool.
        return new PoolChoice(AccountPool.Empty, policy.FallbackToPool ? basePool : null, accountId);
    }
}
