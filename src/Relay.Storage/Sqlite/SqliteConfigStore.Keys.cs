using Microsoft.Data.Sqlite;
using Relay.Core.Keys;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    public Task<IReadOnlyList<RelayKeyRecord>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        ListAsync<KeyRow, RelayKeyRecord>($"SELECT {KeyRow.Columns} FROM relay_keys ORDER BY created_at, id", row => row.ToRecord(), cancellationToken);

    public async Task<RelayKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync<KeyRow>($"SELECT {KeyRow.Columns} FROM relay_keys WHERE id = @id", new { id }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    /// <exception cref="DuplicateKeyHashException">Another key already has this hash.</exception>
    public async Task InsertKeyAsync(RelayKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await MutateAsync(
                """
                INSERT INTO relay_keys (id, name, hash, prefix, enabled, expires_at, expires_after_first_use_ms, first_used_at,
                    policy_id, policy, limits, created_at, updated_at)
                VALUES (@Id, @Name, @Hash, @Prefix, @Enabled, @ExpiresAt, @ExpiresAfterFirstUseMs, @FirstUsedAt,
                    @PolicyId, @Policy, @Limits, @CreatedAt, @UpdatedAt)
                """,
                KeyRow.From(key),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw DuplicateKeyHashException.ForKey(key.Id, ex);
        }
    }

    /// <remarks>created_at and first_used_at are kept: they record facts, whatever the caller sends.</remarks>
    /// <exception cref="DuplicateKeyHashException">The new hash belongs to another key.</exception>
    public async Task<bool> UpdateKeyAsync(RelayKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return await MutateAsync(
                """
                UPDATE relay_keys SET name = @Name, hash = @Hash, prefix = @Prefix, enabled = @Enabled,
                    expires_at = @ExpiresAt, expires_after_first_use_ms = @ExpiresAfterFirstUseMs,
                    policy_id = @PolicyId, policy = @Policy, limits = @Limits, updated_at = @UpdatedAt
                WHERE id = @Id
                """,
                KeyRow.From(key),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw DuplicateKeyHashException.ForKey(key.Id, ex);
        }
    }

    public Task<bool> MarkKeyFirstUsedAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateAsync(
            "UPDATE relay_keys SET first_used_at = @at WHERE id = @id AND first_used_at IS NULL",
            new { id, at = UnixTime.ToMilliseconds(at) },
            cancellationToken);
    }

    /// <remarks>Usage events of the key are kept.</remarks>
    public Task<bool> DeleteKeyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateAsync("DELETE FROM relay_keys WHERE id = @id", new { id }, cancellationToken);
    }
}
