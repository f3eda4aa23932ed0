using Dapper;
using Relay.Core.Usage;
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

    [Fact]
    public async Task Upgrading_a_database_with_events_backfills_the_hourly_rollup()
    {
        using var db = await TempDatabase.CreateAsync(migrate: false);

        // A database as the release before the rollups left it (found by name: the script may be renumbered).
        var rollups = SqliteMigrator.Migrations.Single(m => m.Name.EndsWith("_usage_rollups", StringComparison.Ordinal));
        await new SqliteMigrator(db.Database).MigrateAsync(rollups.Version - 1);
        var events = UsageReference.RandomEvents(new Random(4), 500, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(2))
            .Select(e => e with { GroupId = null }) // the old schema has no group column
            .ToList();
        await using (var connection = await db.Database.OpenAsync())
        {
            foreach (var e in events)
            {
                await connection.ExecuteAsync(
                    """
                    INSERT INTO usage_events (ts, key_id, account_id, platform, requested_model, upstream_model, input_tokens, output_tokens,
                        cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_nano_usd, status, error_class, latency_ms,
                        first_byte_ms, stream, attempts)
                    VALUES (@Ts, @KeyId, @AccountId, 'anthropic', @RequestedModel, @UpstreamModel, @Input, @Output, @W5, @W1, @Read, @Cost,
                        @Status, NULL, 0, NULL, 0, 1)
                    """,
                    new
                    {
                        Ts = e.Timestamp.ToUnixTimeMilliseconds(), e.KeyId, e.AccountId, e.RequestedModel, e.UpstreamModel,
                        e.Tokens.Input, e.Tokens.Output, W5 = e.Tokens.CacheWrite5m, W1 = e.Tokens.CacheWrite1h, Read = e.Tokens.CacheRead,
                        Cost = (long)(e.Cost * 1_000_000_000m), e.Status,
                    });
            }
        }

        await db.Config.MigrateAsync();

        // Whole hours are read from the rollup only, so these match only if the backfill is right.
        var query = new UsageQuery(null, null, UsageGrouping.Hour);
        Assert.Equal(UsageReference.Totals(events, query), await db.Usage.QueryTotalsAsync(query));
        var byAccount = new UsageQuery(null, null, UsageGrouping.Account, new UsageFilter(KeyId: "key_1"));
        Assert.Equal(UsageReference.Totals(events, byAccount), await db.Usage.QueryTotalsAsync(byAccount));
        Assert.Equal(UsageReference.Sum("", events), await db.Usage.SumAsync(UsageFilter.None, null, null));
    }
}
