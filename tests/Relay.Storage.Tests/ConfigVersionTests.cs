using Relay.Core.Pricing;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

public sealed class ConfigVersionTests
{
    [Fact]
    public async Task Every_mutation_bumps_the_version_by_one()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = db.Config;
        var expected = await store.GetVersionAsync();
        Assert.Equal(0, expected);

        async Task Step(Func<Task> mutation)
        {
            await mutation();
            Assert.Equal(++expected, await store.GetVersionAsync());
        }

        await Step(() => store.InsertAccountAsync(Records.Account()));
        await Step(() => store.UpdateAccountAsync(Records.Account() with { Name = "x" }));
        await Step(() => store.InsertKeyAsync(Records.Key()));
        await Step(() => store.UpdateKeyAsync(Records.Key() with { Name = "x" }));
        await Step(() => store.UpsertPriceOverrideAsync(new ModelPrice { Model = "m", Input = 1m }));
        await Step(() => store.UpsertPriceOverrideAsync(new ModelPrice { Model = "m", Input = 2m }));
        await Step(() => store.SetSettingAsync("s", "1"));
        await Step(() => store.DeleteKeyAsync("key_1"));
        await Step(() => store.DeleteAccountAsync("acc_1"));
    }

    [Fact]
    public async Task Mutations_that_match_nothing_leave_the_version_alone()
    {
        using var db = await TempDatabase.CreateAsync();

        await db.Config.UpdateAccountAsync(Records.Account("acc_missing"));
        await db.Config.DeleteAccountAsync("acc_missing");
        await db.Config.UpdateKeyAsync(Records.Key("key_missing"));
        await db.Config.DeleteKeyAsync("key_missing");

        Assert.Equal(0, await db.Config.GetVersionAsync());
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_sees_changes_and_versions()
    {
        // The CLI and a running server share state exactly like this: two stores, one file.
        using var db = await TempDatabase.CreateAsync();
        var other = new SqliteConfigStore(new SqliteDatabase(db.Database.FilePath));
        await other.MigrateAsync();

        await db.Config.InsertAccountAsync(Records.Account());
        await db.Config.InsertKeyAsync(Records.Key());

        Assert.Equal(2, await other.GetVersionAsync());
        Assert.Equal("acc_1", Assert.Single(await other.ListAccountsAsync()).Id);
        Assert.Equivalent(Records.Key(), await other.GetKeyAsync("key_1"), strict: true);

        await other.SetSettingAsync("from_other", "yes");

        Assert.Equal(3, await db.Config.GetVersionAsync());
        Assert.Equal("yes", await db.Config.GetSettingAsync("from_other"));
    }

    [Fact]
    public async Task Concurrent_writers_from_two_stores_each_bump_once()
    {
        using var db = await TempDatabase.CreateAsync();
        var other = new SqliteConfigStore(new SqliteDatabase(db.Database.FilePath));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? db.Config : other).SetSettingAsync($"s{i}", "v"))));

        Assert.Equal(40, await db.Config.GetVersionAsync());
    }
}
