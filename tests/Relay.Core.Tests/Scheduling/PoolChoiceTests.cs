using Relay.Core.Accounts;
using Relay.Core.Groups;
using Relay.Core.Keys;
using Relay.Core.Policies;
using Relay.Core.Pricing;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;

namespace Relay.Core.Tests.Scheduling;

/// <summary>Where a key's requests may go: shared pool, group, dedicated account, with and without fallback.</summary>
public sealed class PoolChoiceTests
{
    private static AccountEntry Account(string id, bool shared = true, string platform = Platforms.Anthropic, params string[] groups) =>
        new(new AccountRecord { Id = id, Name = id, SecretCiphertext = [1], Shared = shared, Platform = platform, Groups = groups, Shapes = platform == Platforms.OpenAI ? [WireShapes.Responses] : [] }, "s", null);

    private static KeyEntry Key(KeyPolicy? policy) =>
        new(new RelayKeyRecord { Id = "k", Name = "k", Hash = "h", Prefix = "cr_x", Policy = policy });

    private static readonly RelaySnapshot Snapshot = new(
        1,
        [Account("pool-a"), Account("private", shared: false), Account("member", shared: false, Platforms.Anthropic, "g1"), Account("other-platform", platform: "openai")],
        [],
        PriceBook.Shipped,
        [new GroupRecord { Id = "g1", Name = "team" }]);

    private static string[] Ids(AccountPool? pool) => pool is null ? [] : [.. pool.Accounts.Select(a => a.Id)];

    [Fact]
    public void An_unbound_key_uses_only_shared_accounts()
    {
        var choice = PoolChoice.For(Snapshot, Key(null), WireShapes.Messages);

        Assert.Equal(["other-platform", "pool-a"], Ids(choice.Pool).Order());
        Assert.Null(choice.Fallback);
        Assert.Null(choice.DedicatedAccountId);
    }

    [Fact]
    public void A_group_key_uses_the_group_members_even_if_not_shared()
    {
        var choice = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Group = "g1" }), WireShapes.Messages);

        Assert.Equal(["member"], Ids(choice.Pool));
        Assert.Equal("g1", choice.Pool.GroupId);
    }

    [Fact]
    public void A_dedicated_key_falls_back_to_its_group_or_the_pool_only_when_allowed()
    {
        var strict = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Account = "private" }), WireShapes.Messages);
        var lenient = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Account = "private", FallbackToPool = true }), WireShapes.Messages);
        var lenientInGroup = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Account = "private", Group = "g1", FallbackToPool = true }), WireShapes.Messages);

        Assert.Equal(["private"], Ids(strict.Pool));
        Assert.Null(strict.Fallback);
        Assert.Equal("private", strict.DedicatedAccountId);
        Assert.Equal(["other-platform", "pool-a"], Ids(lenient.Fallback).Order());
        Assert.Equal(["member"], Ids(lenientInGroup.Fallback));
    }

    [Fact]
    public void A_dedicated_account_binds_every_client_it_can_answer_even_on_another_platform()
    {
        // A responses-only OpenAI account answers Messages and Chat clients through translation, so it binds them too.
        foreach (var shape in new[] { WireShapes.Messages, WireShapes.Chat, WireShapes.Responses })
        {
            var choice = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Account = "other-platform" }), shape);

            Assert.Equal("other-platform", choice.DedicatedAccountId);
            Assert.Equal(["other-platform"], Ids(choice.Pool));
        }
    }

    [Fact]
    public void A_dedicated_account_that_no_longer_exists_never_widens_the_key_without_fallback()
    {
        var choice = PoolChoice.For(Snapshot, Key(KeyPolicy.Unrestricted with { Account = "gone" }), WireShapes.Messages);

        Assert.Empty(choice.Pool.Accounts);
        Assert.Null(choice.Fallback);
        Assert.Equal("gone", choice.DedicatedAccountId);
    }
}
