namespace Relay.Storage.Tests;

public sealed class KeyStoreTests
{
    [Fact]
    public async Task Insert_then_get_round_trips_every_field()
    {
        using var db = await TempDatabase.CreateAsync();
        var key = Records.Key();

        await db.Config.InsertKeyAsync(key);

        Assert.Equivalent(key, await db.Config.GetKeyAsync(key.Id), strict: true);
        Assert.Equivalent(new[] { key }, await db.Config.ListKeysAsync(), strict: true);
    }

    [Fact]
    public async Task A_key_without_expiry_round_trips_null()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key() with { ExpiresAt = null, Enabled = false });

        var read = await db.Config.GetKeyAsync("key_1");

        Assert.NotNull(read);
        Assert.Null(read.ExpiresAt);
        Assert.False(read.Enabled);
    }

    [Fact]
    public async Task Inserting_a_second_key_with_the_same_hash_throws_and_changes_nothing()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key("key_1", hash: "same"));
        var version = await db.Config.GetVersionAsync();

        var ex = await Assert.ThrowsAsync<DuplicateKeyHashException>(() => db.Config.InsertKeyAsync(Records.Key("key_2", hash: "same")));

        Assert.Equal("key_2", ex.KeyId);
        Assert.Null(await db.Config.GetKeyAsync("key_2"));
        Assert.Equal(version, await db.Config.GetVersionAsync());
    }

    [Fact]
    public async Task Updating_a_key_to_another_keys_hash_throws()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key("key_1", hash: "one"));
        await db.Config.InsertKeyAsync(Records.Key("key_2", hash: "two"));

        await Assert.ThrowsAsync<DuplicateKeyHashException>(() => db.Config.UpdateKeyAsync(Records.Key("key_2", hash: "one")));

        Assert.Equal("two", (await db.Config.GetKeyAsync("key_2"))!.Hash);
    }

    [Fact]
    public async Task Update_keeps_created_at_and_missing_keys_return_false()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key());

        Assert.True(await db.Config.UpdateKeyAsync(Records.Key() with { Name = "Renamed", CreatedAt = Records.T0.AddDays(9), ExpiresAt = null }));
        var read = await db.Config.GetKeyAsync("key_1");

        Assert.Equal("Renamed", read!.Name);
        Assert.Equal(Records.T0, read.CreatedAt);
        Assert.Null(read.ExpiresAt);
        Assert.False(await db.Config.UpdateKeyAsync(Records.Key("key_missing", hash: "zz")));
        Assert.False(await db.Config.DeleteKeyAsync("key_missing"));
    }

    [Fact]
    public async Task Delete_frees_the_hash_for_reuse()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key("key_1", hash: "h"));

        Assert.True(await db.Config.DeleteKeyAsync("key_1"));
        await db.Config.InsertKeyAsync(Records.Key("key_2", hash: "h"));

        Assert.Equal(["key_2"], (await db.Config.ListKeysAsync()).Select(k => k.Id));
    }
}
