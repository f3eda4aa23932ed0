using Dapper;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

public sealed class SchemaUpgradeTests
{
    [Fact]
    public async Task A_version_1_database_keeps_its_keys_and_accounts_with_the_new_defaults()
    {
        using var db = await TempDatabase.CreateAsync(migrate: false);
        await using (var connection = await db.Database.OpenAsync())
        {
            // What a build with only the first script left behind.
            var v1 = SqliteMigrator.Migrations[0];
            await connection.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
            await connection.ExecuteAsync(v1.Sql);
            await connection.ExecuteAsync("INSERT INTO schema_migrations VALUES (1, @Name, 0)", new { v1.Name });
            await connection.ExecuteAsync(
                """
                INSERT INTO accounts (id, name, platform, type, base_url, secret, priority, weight, max_concurrency, models, model_map, enabled, created_at, updated_at)
                VALUES ('acc_old', 'old account', 'anthropic', 'api-key', 'https://api.anthropic.com', x'010203', 5, 2, 1, '["claude-*"]', '{}', 1, 1000, 2000);
                INSERT INTO relay_keys (id, name, hash, prefix, enabled, expires_at, created_at, updated_at)
                VALUES ('key_old', 'old key', 'abc', 'cr_old1', 1, 5000, 1000, 1000);
                """);
        }

        Assert.Equal(SqliteMigrator.Migrations.Count - 1, await new SqliteMigrator(db.Database).MigrateAsync());

        var account = Assert.Single(await db.Config.ListAccountsAsync());
        Assert.Equal("acc_old", account.Id);
        Assert.True(account.Shared);
        Assert.Empty(account.Limits);
        Assert.Empty(account.Groups);
        Assert.Equal(["claude-*"], account.Models);

        var key = Assert.Single(await db.Config.ListKeysAsync());
        Assert.Equal("key_old", key.Id);
        Assert.Equal("abc", key.Hash);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5000), key.ExpiresAt);
        Assert.Null(key.Policy);
        Assert.Null(key.PolicyId);
        Assert.Empty(key.Limits);
        Assert.Null(key.ExpiresAfterFirstUse);
        Assert.Null(key.FirstUsedAt);
        Assert.Empty(await db.Config.ListGroupsAsync());
        Assert.Empty(await db.Config.ListPoliciesAsync());
    }
}
