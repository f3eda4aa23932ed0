using System.Globalization;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Relay.Storage.Sqlite;

/// <summary>
/// Applies the numbered scripts embedded under <c>Sqlite/Migrations/NNNN_name.sql</c> in order, each in
/// its own <c>BEGIN IMMEDIATE</c> transaction together with its row in <c>schema_migrations</c>.
/// The write lock is taken before checking whether a script already ran, so two processes starting
/// at once serialise: the second waits, sees the row and skips. Running it again is a no-op.
/// </summary>
internal sealed class SqliteMigrator(SqliteDatabase database)
{
    private const string ResourcePrefix = "Relay.Storage.Sqlite.Migrations.";

    private const string CreateTrackingTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        );
        """;

    /// <summary>The embedded scripts, ordered by number.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>The schema version this build creates.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <returns>How many scripts were applied by this call.</returns>
    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => MigrateAsync(int.MaxValue, cancellationToken);

    /// <summary>Applies the scripts up to and including <paramref name="throughVersion"/> (tests build older databases with it).</summary>
    public async Task<int> MigrateAsync(int throughVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PrepareAsync(connection, cancellationToken).ConfigureAwait(false);

        var applied = 0;
        foreach (var migration in Migrations.Where(m => m.Version <= throughVersion))
        {
            // Not deferred: BEGIN IMMEDIATE takes the write lock before the check below, so a
            // concurrent migrator waits here (busy_timeout) instead of running the script twice.
            using var transaction = connection.BeginTransaction(deferred: false);
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                new { migration.Version },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (done != 0)
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            transaction.Commit();
            applied++;
        }

        return applied;
    }

    /// <summary>Creates the tracking table, and refuses a schema newer than this build: an older build must not write to it.</summary>
    private static async Task PrepareAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(new CommandDefinition(CreateTrackingTable, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var current = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database schema is at version {current}, newer than this build of Relay supports ({LatestVersion}). Upgrade Relay.");
        }

        transaction.Commit();
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SqliteMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[ResourcePrefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration script '{name}' is not named NNNN_description.sql.");
            }

            migrations.Add(new Migration(version, name, ReadResource(assembly, resource)));
        }

        if (migrations.Count == 0)
        {
            throw new InvalidOperationException("No migration scripts are embedded in Relay.Storage.");
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            // Numbers must run 1, 2, 3…: a gap or a duplicate means a script was lost or mis-merged.
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration scripts must be numbered 1..n without gaps; found '{migrations[i].Name}' at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal sealed record Migration(int Version, string Name, string Sql);
}
