using Relay.Core.Accounts;
using Relay.Core.Groups;
using Relay.Core.Keys;
using Relay.Core.Policies;
using Relay.Core.Pricing;

namespace Relay.Core.Storage;

/// <summary>
/// Durable configuration: accounts, relay keys, price overrides and a few settings.
/// Never called on the request path; the snapshot is rebuilt from it when
/// <see cref="GetVersionAsync"/> moves. Every mutation bumps that version, so a change made
/// by another process (the CLI verbs, another node) is noticed by a running server.
/// </summary>
public interface IConfigStore
{
    /// <summary>Creates the schema or upgrades it to the current version.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Monotonic counter bumped by every mutation.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken cancellationToken = default);
    Task<AccountRecord?> GetAccountAsync(string id, CancellationToken cancellationToken = default);
    Task InsertAccountAsync(AccountRecord account, CancellationToken cancellationToken = default);

    /// <returns>false when no account has that id.</returns>
    Task<bool> UpdateAccountAsync(AccountRecord account, CancellationToken cancellationToken = default);
    Task<bool> DeleteAccountAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an OAuth account's encrypted token set after a refresh. Does not bump the version: the refresher has
    /// already handed the new tokens to the live state, so no snapshot rebuild is needed.
    /// </summary>
    /// <returns>false when no account has that id.</returns>
    Task<bool> UpdateAccountTokensAsync(string id, byte[] tokensCiphertext, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RelayKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default);
    Task<RelayKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken = default);
    Task InsertKeyAsync(RelayKeyRecord key, CancellationToken cancellationToken = default);
    Task<bool> UpdateKeyAsync(RelayKeyRecord key, CancellationToken cancellationToken = default);
    Task<bool> DeleteKeyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Records the first use of a key; a no-op (false) when it already has one.</summary>
    Task<bool> MarkKeyFirstUsedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GroupRecord>> ListGroupsAsync(CancellationToken cancellationToken = default);
    Task<GroupRecord?> GetGroupAsync(string id, CancellationToken cancellationToken = default);

    /// <exception cref="Storage.DuplicateNameException">Another group has this name (case-insensitive).</exception>
    Task InsertGroupAsync(GroupRecord group, CancellationToken cancellationToken = default);
    Task<bool> UpdateGroupAsync(GroupRecord group, CancellationToken cancellationToken = default);

    /// <summary>Deletes the group and its memberships (the accounts stay).</summary>
    Task<bool> DeleteGroupAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Makes exactly <paramref name="accountIds"/> the members of the group (unknown account ids are ignored).</summary>
    Task<bool> SetGroupMembersAsync(string groupId, IReadOnlyList<string> accountIds, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PolicyRecord>> ListPoliciesAsync(CancellationToken cancellationToken = default);
    Task<PolicyRecord?> GetPolicyAsync(string id, CancellationToken cancellationToken = default);

    /// <exception cref="Storage.DuplicateNameException">Another policy has this name (case-insensitive).</exception>
    Task InsertPolicyAsync(PolicyRecord policy, CancellationToken cancellationToken = default);
    Task<bool> UpdatePolicyAsync(PolicyRecord policy, CancellationToken cancellationToken = default);
    Task<bool> DeletePolicyAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Operator overrides only; the shipped defaults live in <see cref="Pricing.PriceBook"/>.</summary>
    Task<IReadOnlyList<ModelPrice>> ListPriceOverridesAsync(CancellationToken cancellationToken = default);
    Task UpsertPriceOverrideAsync(ModelPrice price, CancellationToken cancellationToken = default);

    /// <summary>Removes an operator override (the shipped price, if any, applies again); false when there was none.</summary>
    Task<bool> DeletePriceOverrideAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>Small named values such as the admin token hash.</summary>
    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default);
    Task SetSettingAsync(string name, string value, CancellationToken cancellationToken = default);
}
