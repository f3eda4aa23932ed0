using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Groups;
using Relay.Core.Storage;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    private const string GroupColumns = "id AS Id, name AS Name, description AS Description, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public Task<IReadOnlyList<GroupRecord>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        ListAsync<GroupRow, GroupRecord>($"SELECT {GroupColumns} FROM groups ORDER BY name, id", row => row.ToRecord(), cancellationToken);

    public async Task<GroupRecord?> GetGroupAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync<GroupRow>($"SELECT {GroupColumns} FROM groups WHERE id = @id", new { id }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public async Task InsertGroupAsync(GroupRecord group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        try
        {
            await MutateAsync(
                "INSERT INTO groups (id, name, description, created_at, updated_at) VALUES (@Id, @Name, @Description, @CreatedAt, @UpdatedAt)",
                GroupRow.From(group),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw new DuplicateNameException($"A group named '{group.Name}' already exists.", ex);
        }
    }

    public async Task<bool> UpdateGroupAsync(GroupRecord group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        try
        {
            return await MutateAsync(
                "UPDATE groups SET name = @Name, description = @Description, updated_at = @UpdatedAt WHERE id = @Id",
                GroupRow.From(group),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw new DuplicateNameException($"A group named '{group.Name}' already exists.", ex);
        }
    }

    public Task<bool> DeleteGroupAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateManyAsync(
            async (connection, transaction) =>
            {
                var rows = await connection.ExecuteAsync(new CommandDefinition("DELETE FROM groups WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM account_groups WHERE group_id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                return rows > 0;
            },
            cancellationToken);
    }

    public Task<bool> SetGroupMembersAsync(string groupId, IReadOnlyList<string> accountIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(accountIds);
        return MutateManyAsync(
            async (connection, transaction) =>
            {
                var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COUNT(*) FROM groups WHERE id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (exists == 0)
                {
                    return false;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM account_groups WHERE group_id = @groupId", new { groupId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                foreach (var accountId in accountIds.Distinct(StringComparer.Ordinal))
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "INSERT INTO account_groups (account_id, group_id) SELECT id, @groupId FROM accounts WHERE id = @accountId",
                        new { groupId, accountId },
                        transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);
    }

    private sealed class GroupRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }

        public static GroupRow From(GroupRecord group) => new()
        {
            Id = group.Id,
            Name = group.Name,
            Description = group.Description,
            CreatedAt = UnixTime.ToMilliseconds(group.CreatedAt),
            UpdatedAt = UnixTime.ToMilliseconds(group.UpdatedAt),
        };

        public GroupRecord ToRecord() => new()
        {
            Id = Id,
            Name = Name,
            Description = Description,
            CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
            UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
        };
    }
}
