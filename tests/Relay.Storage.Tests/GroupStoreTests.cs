using Relay.Core.Groups;
using Relay.Core.Storage;

namespace Relay.Storage.Tests;

public sealed class GroupStoreTests
{
    private static GroupRecord Group(string id, string name, string? description = null) => new()
    {
        Id = id,
        Name = name,
        Description = description,
        CreatedAt = Records.T0,
        UpdatedAt = Records.T0.AddMinutes(1),
    };

    [Fact]
    public async Task Groups_round_trip_update_and_delete()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertGroupAsync(Group("grp_b", "team-b", "the b team"));
        await db.Config.InsertGroupAsync(Group("grp_a", "team-a"));

        Assert.Equal(Group("grp_b", "team-b", "the b team"), await db.Config.GetGroupAsync("grp_b"));
        Assert.Equal(["team-a", "team-b"], (await db.Config.ListGroupsAsync()).Select(g => g.Name));

        Assert.True(await db.Config.UpdateGroupAsync(Group("grp_b", "team-bee") with { CreatedAt = Records.T0.AddDays(3) }));
        var updated = await db.Config.GetGroupAsync("grp_b");
        Assert.Equal("team-bee", updated!.Name);
        Assert.Null(updated.Description);
        Assert.Equal(Records.T0, updated.CreatedAt);

        Assert.True(await db.Config.DeleteGroupAsync("grp_b"));
        Assert.Null(await db.Config.GetGroupAsync("grp_b"));
        Assert.False(await db.Config.DeleteGroupAsync("grp_b"));
        Assert.False(await db.Config.UpdateGroupAsync(Group("grp_missing", "x")));
    }

    [Fact]
    public async Task Names_are_unique_ignoring_case_and_a_clash_changes_nothing()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertGroupAsync(Group("grp_1", "Team"));
        await db.Config.InsertGroupAsync(Group("grp_2", "Other"));
        var version = await db.Config.GetVersionAsync();

        await Assert.ThrowsAsync<DuplicateNameException>(() => db.Config.InsertGroupAsync(Group("grp_3", "team")));
        await Assert.ThrowsAsync<DuplicateNameException>(() => db.Config.UpdateGroupAsync(Group("grp_2", "TEAM")));

        Assert.Null(await db.Config.GetGroupAsync("grp_3"));
        Assert.Equal("Other", (await db.Config.GetGroupAsync("grp_2"))!.Name);
        Assert.Equal(version, await db.Config.GetVersionAsync());
    }

    [Fact]
    public async Task Membership_is_written_by_account_insert_and_update_and_ignores_unknown_groups()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertGroupAsync(Group("grp_1", "one"));
        await db.Config.InsertGroupAsync(Group("grp_2", "two"));

        await db.Config.InsertAccountAsync(Records.Account("acc_1") with { Groups = ["grp_2", "grp_missing", "grp_1", "grp_2"] });
        Assert.Equal(["grp_1", "grp_2"], (await db.Config.GetAccountAsync("acc_1"))!.Groups);

        await db.Config.UpdateAccountAsync(Records.Account("acc_1") with { Groups = ["grp_2"] });
        Assert.Equal(["grp_2"], (await db.Config.GetAccountAsync("acc_1"))!.Groups);
        Assert.Equal(["grp_2"], Assert.Single(await db.Config.ListAccountsAsync()).Groups);

        await db.Config.UpdateAccountAsync(Records.Account("acc_1") with { Groups = [] });
        Assert.Empty((await db.Config.GetAccountAsync("acc_1"))!.Groups);
    }

    [Fact]
    public async Task Set_group_members_replaces_the_members_ignoring_unknown_accounts()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertGroupAsync(Group("grp_1", "one"));
        await db.Config.InsertGroupAsync(Group("grp_2", "two"));
        await db.Config.InsertAccountAsync(Records.Account("acc_1") with { Groups = ["grp_1", "grp_2"] });
        await db.Config.InsertAccountAsync(Records.Account("acc_2"));
        await db.Config.InsertAccountAsync(Records.Account("acc_3") with { Groups = ["grp_1"] });

        Assert.True(await db.Config.SetGroupMembersAsync("grp_1", ["acc_2", "acc_missing", "acc_1"]));

        var accounts = (await db.Config.ListAccountsAsync()).ToDictionary(a => a.Id, a => a.Groups);
        Assert.Equal(["grp_1", "grp_2"], accounts["acc_1"]);
        Assert.Equal(["grp_1"], accounts["acc_2"]);
        Assert.Empty(accounts["acc_3"]);

        var version = await db.Config.GetVersionAsync();
        Assert.False(await db.Config.SetGroupMembersAsync("grp_missing", ["acc_1"]));
        Assert.Equal(version, await db.Config.GetVersionAsync());
    }

    [Fact]
    public async Task Deleting_a_group_or_an_account_removes_their_memberships()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertGroupAsync(Group("grp_1", "one"));
        await db.Config.InsertGroupAsync(Group("grp_2", "two"));
        await db.Config.InsertAccountAsync(Records.Account("acc_1") with { Groups = ["grp_1", "grp_2"] });

        Assert.True(await db.Config.DeleteGroupAsync("grp_1"));
        Assert.Equal(["grp_2"], (await db.Config.GetAccountAsync("acc_1"))!.Groups);

        // A group re-created under the same id starts empty: no membership row outlived the old one.
        await db.Config.InsertGroupAsync(Group("grp_1", "one again"));
        Assert.Equal(["grp_2"], (await db.Config.GetAccountAsync("acc_1"))!.Groups);

        Assert.True(await db.Config.DeleteAccountAsync("acc_1"));
        await db.Config.InsertAccountAsync(Records.Account("acc_1"));
        Assert.Empty((await db.Config.GetAccountAsync("acc_1"))!.Groups);
    }
}
