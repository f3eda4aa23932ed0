using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Storage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// <see cref="IConfigStore"/> on the SQLite file. Every mutation runs in one <c>BEGIN IMMEDIATE</c>
/// transaction together with the <c>config_version</c> bump, so a process that sees the new version
/// (a running server polling while the CLI writes) also sees the change. A mutation that matched no
/// row changes nothing and does not bump the version. Split by area into partial files.
/// </summary>
public sealed partial class SqliteConfigStore(SqliteDatabase database) : IConfigStore
{
    private const string BumpVersion = "UPDATE config_version SET version = version + 1 WHERE id = 1";

    public async Task MigrateAsync(CancellationToken cancellationToken = default) =>
        await new SqliteMigrator(database).MigrateAsync(cancellationToken).ConfigureAwait(false);

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT version FROM config_version WHERE id = 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT value FROM settings WHERE name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public Task SetSettingAsync(string name, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return MutateAsync(
            "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            new { name, value },
            cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Runs one write and bumps the version in the same transaction.</summary>
    /// <returns>false when the statement matched no row (nothing committed, version unchanged).</returns>
    private async Task<bool> MutateAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // IMMEDIATE: take the write lock up front, so two writers queue on busy_timeout instead of
        // one failing with SQLITE_BUSY when its read lock cannot be upgraded.
        using var transaction = connection.BeginTransaction(deferred: false);
        var rows = await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(BumpVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Runs several writes in one transaction with the version bump. <paramref name="work"/> returns false when
    /// nothing matched; then nothing is committed and the version stays.
    /// </summary>
    private async Task<bool> MutateManyAsync(Func<SqliteConnection, SqliteTransaction, Task<bool>> work, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!await work(connection, transaction).ConfigureAwait(false))
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(BumpVersion, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        transaction.Commit();
        return true;
    }

    /// <summary>SQLITE_CONSTRAINT_UNIQUE: relay_keys.hash, groups.name and policies.name are the UNIQUE columns besides primary keys.</summary>
    private static bool IsUniqueViolation(SqliteException exception) => exception.SqliteExtendedErrorCode == 2067;
}
