using Relay.Core.Accounts;
using Relay.Core.Groups;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.Storage;

namespace Relay.Server.Control.Groups;

/// <summary>
/// Group operations shared by the Control API and the CLI verbs. Membership is stored on the accounts; a group
/// is deleted only when no key or policy draws from it any more.
/// </summary>
internal sealed class GroupService(IConfigStore store, SnapshotManager snapshots, TimeProvider time, ILogger<GroupService> logger)
{
    public async Task<IReadOnlyList<GroupView>> ListAsync(CancellationToken cancellationToken)
    {
        var groups = await store.ListGroupsAsync(cancellationToken).ConfigureAwait(false);
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        return [.. groups.Select(g => GroupView.From(g, MembersOf(g.Id, accounts), bindings))];
    }

    public async Task<Outcome<GroupView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var group = await store.GetGroupAsync(id, cancellationToken).ConfigureAwait(false);
        return group is null ? NotFound(id) : await ViewAsync(group, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<GroupView>> CreateAsync(GroupInput input, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim();
        if ((Names.Validate(name) ?? Names.ValidateDescription(input.Description)) is { } invalid)
        {
            return invalid;
        }

        var members = await MembersAsync(input.Accounts, cancellationToken).ConfigureAwait(false);
        if (members.Error is { } membersError)
        {
            return membersError;
        }

        var now = time.GetUtcNow();
        var group = new GroupRecord
        {
            Id = IdGenerator.New("grp"),
            Name = name!,
            Description = Names.Description(input.Description),
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await store.InsertGroupAsync(group, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateNameException ex)
        {
            return ControlError.Conflict(ex.Message);
        }

        if (members.Value is { } ids)
        {
            await store.SetGroupMembersAsync(group.Id, ids, cancellationToken).ConfigureAwait(false);
        }

        ControlLog.GroupCreated(logger, group.Id);
        return await RefreshAndViewAsync(group.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<GroupView>> UpdateAsync(string id, GroupInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetGroupAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var name = input.Name?.Trim() ?? existing.Name;
        if ((Names.Validate(name) ?? Names.ValidateDescription(input.Description)) is { } invalid)
        {
            return invalid;
        }

        var members = await MembersAsync(input.Accounts, cancellationToken).ConfigureAwait(false);
        if (members.Error is { } membersError)
        {
            return membersError;
        }

        var updated = existing with
        {
            Name = name,
            Description = input.DescriptionGiven || input.Description is not null ? Names.Description(input.Description) : existing.Description,
            UpdatedAt = time.GetUtcNow(),
        };
        try
        {
            if (!await store.UpdateGroupAsync(updated, cancellationToken).ConfigureAwait(false))
            {
                return NotFound(id);
            }
        }
        catch (DuplicateNameException ex)
        {
            return ControlError.Conflict(ex.Message);
        }

        if (members.Value is { } ids)
        {
            await store.SetGroupMembersAsync(id, ids, cancellationToken).ConfigureAwait(false);
        }

        ControlLog.GroupUpdated(logger, id);
        return await RefreshAndViewAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlError?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var group = await store.GetGroupAsync(id, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return NotFound(id);
        }

        // Deleting a group a key draws from would silently turn "only these accounts" into "no account at all".
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var keys = bindings.KeysOfGroup(id);
        var policies = bindings.PoliciesOfGroup(id);
        if (keys.Count > 0 || policies.Count > 0)
        {
            return ControlError.Conflict(
                $"Group '{group.Name}' ({id}) is still used by {Bindings.Describe(keys, policies)}; bind them elsewhere before deleting it.");
        }

        if (!await store.DeleteGroupAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.GroupDeleted(logger, id);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Null when not given; otherwise the distinct ids, every one an existing account.</summary>
    private async Task<Outcome<IReadOnlyList<string>?>> MembersAsync(IReadOnlyList<string>? accountIds, CancellationToken cancellationToken)
    {
        if (accountIds is null)
        {
            return Outcome<IReadOnlyList<string>?>.Success(null);
        }

        var accounts = (await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var ids = new List<string>(accountIds.Count);
        for (var i = 0; i < accountIds.Count; i++)
        {
            var accountId = accountIds[i]?.Trim();
            if (string.IsNullOrEmpty(accountId) || !accounts.Contains(accountId))
            {
                return ControlError.Invalid($"Field 'accounts[{i}]': no account with id '{accountId}'.");
            }

            if (!ids.Contains(accountId, StringComparer.Ordinal))
            {
                ids.Add(accountId);
            }
        }

        return Outcome<IReadOnlyList<string>?>.Success(ids);
    }

    private async Task<Outcome<GroupView>> RefreshAndViewAsync(string id, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        var stored = await store.GetGroupAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? NotFound(id) : await ViewAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GroupView> ViewAsync(GroupRecord group, CancellationToken cancellationToken)
    {
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        return GroupView.From(group, MembersOf(group.Id, accounts), bindings);
    }

    private static IReadOnlyList<string> MembersOf(string groupId, IReadOnlyList<AccountRecord> accounts) =>
        [.. accounts.Where(a => a.Groups.Contains(groupId, StringComparer.Ordinal)).Select(a => a.Id)];

    private static ControlError NotFound(string id) => ControlError.NotFound($"No group with id '{id}'.");
}
