using Relay.Core.Limits;
using Relay.Core.Policies;
using Relay.Core.Storage;

namespace Relay.Storage.Tests;

public sealed class PolicyStoreTests
{
    private static readonly KeyPolicy Restricted = new(
        ["anthropic"],
        new ModelRules(["claude-*"], ["claude-opus-*"]),
        ["claude-code"],
        Group: "grp_1",
        Account: "acc_1",
        FallbackToPool: true);

    private static readonly IReadOnlyList<LimitRule> SomeLimits =
    [
        new(LimitMeter.Cost, LimitWindow.Day, 5.5m),
        new(LimitMeter.Requests, LimitWindow.Sliding(TimeSpan.FromSeconds(60)), 100),
        new(LimitMeter.Tokens, LimitWindow.Total, 1_000_000),
        new(LimitMeter.Concurrency, LimitWindow.None, 3, new LimitQueue(10, TimeSpan.FromSeconds(10))),
    ];

    private static PolicyRecord Policy(string id, string name) => new()
    {
        Id = id,
        Name = name,
        Description = "for " + name,
        Policy = Restricted,
        Limits = SomeLimits,
        CreatedAt = Records.T0,
        UpdatedAt = Records.T0,
    };

    [Fact]
    public async Task Policy_and_limits_round_trip()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertPolicyAsync(Policy("pol_1", "interns"));

        Assert.Equivalent(Policy("pol_1", "interns"), await db.Config.GetPolicyAsync("pol_1"), strict: true);
        Assert.Equivalent(new[] { Policy("pol_1", "interns") }, await db.Config.ListPoliciesAsync(), strict: true);
    }

    [Fact]
    public async Task An_unrestricted_policy_without_limits_round_trips()
    {
        using var db = await TempDatabase.CreateAsync();
        var open = Policy("pol_1", "open") with { Policy = KeyPolicy.Unrestricted, Limits = [], Description = null };
        await db.Config.InsertPolicyAsync(open);

        Assert.Equivalent(open, await db.Config.GetPolicyAsync("pol_1"), strict: true);
    }

    [Fact]
    public async Task Update_delete_and_unique_names()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertPolicyAsync(Policy("pol_1", "interns"));
        await db.Config.InsertPolicyAsync(Policy("pol_2", "contractors"));

        await Assert.ThrowsAsync<DuplicateNameException>(() => db.Config.InsertPolicyAsync(Policy("pol_3", "INTERNS")));
        await Assert.ThrowsAsync<DuplicateNameException>(() => db.Config.UpdatePolicyAsync(Policy("pol_2", "Interns")));

        var changed = Policy("pol_1", "juniors") with { Limits = [SomeLimits[0]], Policy = KeyPolicy.Unrestricted, CreatedAt = Records.T0.AddDays(1) };
        Assert.True(await db.Config.UpdatePolicyAsync(changed));
        var read = await db.Config.GetPolicyAsync("pol_1");
        Assert.Equal("juniors", read!.Name);
        Assert.Equal([SomeLimits[0]], read.Limits);
        Assert.Empty(read.Policy.Platforms);
        Assert.Equal(Records.T0, read.CreatedAt);

        Assert.True(await db.Config.DeletePolicyAsync("pol_1"));
        Assert.False(await db.Config.DeletePolicyAsync("pol_1"));
        Assert.False(await db.Config.UpdatePolicyAsync(Policy("pol_missing", "x")));
        Assert.Equal(["pol_2"], (await db.Config.ListPoliciesAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task Keys_keep_inline_policy_policy_id_limits_and_first_use_expiry()
    {
        using var db = await TempDatabase.CreateAsync();
        var inline = Records.Key("key_1", "h1") with
        {
            Policy = Restricted,
            Limits = SomeLimits,
            ExpiresAfterFirstUse = TimeSpan.FromDays(30),
            FirstUsedAt = Records.T0.AddHours(2),
        };
        var shared = Records.Key("key_2", "h2") with { PolicyId = "pol_1", ExpiresAt = null };
        await db.Config.InsertKeyAsync(inline);
        await db.Config.InsertKeyAsync(shared);

        Assert.Equivalent(inline, await db.Config.GetKeyAsync("key_1"), strict: true);
        Assert.Equivalent(shared, await db.Config.GetKeyAsync("key_2"), strict: true);
        Assert.Equal(new KeyExpiry(Records.T0.AddDays(30), TimeSpan.FromDays(30)), (await db.Config.GetKeyAsync("key_1"))!.Expiry);
    }

    [Fact]
    public async Task Update_replaces_policy_fields_but_keeps_first_used_at()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key() with { Policy = Restricted, Limits = SomeLimits, FirstUsedAt = Records.T0.AddHours(1) });

        Assert.True(await db.Config.UpdateKeyAsync(Records.Key() with { PolicyId = "pol_9", Policy = null, Limits = [], FirstUsedAt = null, ExpiresAfterFirstUse = TimeSpan.FromHours(5) }));
        var read = await db.Config.GetKeyAsync("key_1");

        Assert.Null(read!.Policy);
        Assert.Equal("pol_9", read.PolicyId);
        Assert.Empty(read.Limits);
        Assert.Equal(TimeSpan.FromHours(5), read.ExpiresAfterFirstUse);
        Assert.Equal(Records.T0.AddHours(1), read.FirstUsedAt);
    }

    [Fact]
    public async Task First_use_is_recorded_once_and_bumps_the_version()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertKeyAsync(Records.Key());
        var version = await db.Config.GetVersionAsync();

        Assert.True(await db.Config.MarkKeyFirstUsedAsync("key_1", Records.T0.AddHours(3)));
        Assert.Equal(version + 1, await db.Config.GetVersionAsync());

        Assert.False(await db.Config.MarkKeyFirstUsedAsync("key_1", Records.T0.AddHours(9)));
        Assert.False(await db.Config.MarkKeyFirstUsedAsync("key_missing", Records.T0));
        Assert.Equal(version + 1, await db.Config.GetVersionAsync());
        Assert.Equal(Records.T0.AddHours(3), (await db.Config.GetKeyAsync("key_1"))!.FirstUsedAt);
    }

    [Fact]
    public async Task Accounts_keep_shared_and_limits()
    {
        using var db = await TempDatabase.CreateAsync();
        IReadOnlyList<LimitRule> accountLimits = [new(LimitMeter.Tokens, LimitWindow.Sliding(TimeSpan.FromHours(5)), 500_000), new(LimitMeter.Concurrency, LimitWindow.None, 2)];
        await db.Config.InsertAccountAsync(Records.Account() with { Shared = false, Limits = accountLimits });

        var read = await db.Config.GetAccountAsync("acc_1");
        Assert.False(read!.Shared);
        Assert.Equal(accountLimits, read.Limits);

        await db.Config.UpdateAccountAsync(read with { Shared = true, Limits = [] });
        read = await db.Config.GetAccountAsync("acc_1");
        Assert.True(read!.Shared);
        Assert.Empty(read.Limits);
    }
}
