using Relay.Core.Admins;
using Relay.Core.Storage;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

public sealed class AdminStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static AdminUserRecord User(string id, string name) => new(id, name, "pbkdf2-sha256$1$AAAA$AAAA", Now, Now, null);

    [Fact]
    public async Task User_names_are_unique_ignoring_case_and_found_ignoring_case()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = new SqliteAdminStore(db.Database);
        await store.InsertUserAsync(User("adm_1", "Alice"));
        await Assert.ThrowsAsync<DuplicateNameException>(() => store.InsertUserAsync(User("adm_2", "ALICE")));
        Assert.Equal("adm_1", (await store.GetUserByNameAsync("alice"))?.Id);
    }

    [Fact]
    public async Task The_first_user_is_inserted_only_into_an_empty_table()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = new SqliteAdminStore(db.Database);
        Assert.True(await store.InsertFirstUserAsync(User("adm_1", "admin")));
        Assert.False(await store.InsertFirstUserAsync(User("adm_2", "admin2")));
        Assert.Single(await store.ListUsersAsync());
    }

    [Fact]
    public async Task Sessions_end_with_a_new_password_with_their_user_and_when_expired()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = new SqliteAdminStore(db.Database);
        await store.InsertUserAsync(User("adm_1", "alice"));
        await store.InsertUserAsync(User("adm_2", "bob"));
        await store.InsertSessionAsync(new AdminSessionRecord("h1", "adm_1", "", Now, Now, Now.AddDays(7)));
        await store.InsertSessionAsync(new AdminSessionRecord("h2", "adm_2", "", Now, Now, Now.AddDays(7)));
        await store.InsertSessionAsync(new AdminSessionRecord("h3", "adm_2", "", Now, Now.AddHours(-13), Now.AddDays(7)));
        Assert.Equal("alice", (await store.GetSessionAsync("h1"))?.Username);

        Assert.True(await store.SetPasswordAsync("adm_1", "pbkdf2-sha256$2$AAAA$AAAA", Now));
        Assert.Null(await store.GetSessionAsync("h1"));

        Assert.Equal(1, await store.DeleteExpiredSessionsAsync(Now, TimeSpan.FromHours(12)));
        Assert.Null(await store.GetSessionAsync("h3"));

        await store.TouchSessionAsync("h2", Now.AddMinutes(5));
        Assert.Equal(Now.AddMinutes(5), (await store.GetSessionAsync("h2"))?.LastSeenAt);
        Assert.True(await store.DeleteUserAsync("adm_2"));
        Assert.Null(await store.GetSessionAsync("h2"));
    }
}
