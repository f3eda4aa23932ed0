using Dapper;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

public sealed class SqliteMigratorTests
{
    [Fact]
    public async Task First_run_applies_every_script_and_records_it()
    {
        using var db = await TempDatabase.CreateAsync(migrate: false);

        var applied = await new SqliteMigrator(db.Database).MigrateAsync();

        Assert.Equal(SqliteMigrator.Migrations.Count, applied);
        await using var connection = await db.Database.OpenAsync();
        var versions = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(SqliteMigrator.Migrations.Select(m => (long)m.Version), versions);
        Assert.Equal(1, SqliteMigrator.Migrations[0].Version);
        Assert.Equal("0001_initial", SqliteMigrator.Migrations[0].Name);
    }

    [Fact]
    public async Task Running_again_is_a_no_op()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.SetSettingAsync("x", "1");

        var applied = await new SqliteMigrator(db.Database).MigrateAsync();
        await db.Config.MigrateAsync();

        Assert.Equal(0, applied);
        Assert.Equal("1", await db.Config.GetSettingAsync("x"));
        Assert.Equal(1, await db.Config.GetVersionAsync());
        await using var connection = await db.Database.OpenAsync();
        Assert.Equal(SqliteMigrator.Migrations.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_migrators_on_one_file_apply_each_script_once()
    {
        using var db = await TempDatabase.CreateAsync(migrate: false);

        // Separate SqliteDatabase instances behave like separate processes (own WAL switch, own connections).
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Task.Run(() => new SqliteMigrator(new SqliteDatabase(db.Database.FilePath)).MigrateAsync())));

        Assert.Equal(SqliteMigrator.Migrations.Count, results.Sum());
        Assert.Equal(0, await db.Config.GetVersionAsync());
    }

    [Fact]
    public async Task Database_uses_wal_and_foreign_keys()
    {
        using var db = await TempDatabase.CreateAsync();
        await using var connection = await db.Database.OpenAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.Equal(5000, await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task A_schema_newer_than_this_build_is_refused()
    {
        using var db = await TempDatabase.CreateAsync();
        await using (var connection = await db.Database.OpenAsync())
        {
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Config.MigrateAsync());
    }
}
