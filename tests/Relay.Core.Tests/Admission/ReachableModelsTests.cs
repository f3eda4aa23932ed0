using Relay.Core.Accounts;
using Relay.Core.Admission;
using Relay.Core.Keys;
using Relay.Core.Policies;
using Relay.Core.Pricing;
using Relay.Core.Snapshots;

namespace Relay.Core.Tests.Admission;

/// <summary>The one definition of "the models a key can reach", shared by <c>GET /v1/models</c> and <c>GET /api/me</c>.</summary>
public sealed class ReachableModelsTests
{
    private static readonly DateTimeOffset Early = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Late = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static AccountEntry Account(string id, int priority, DateTimeOffset created, string platform = Platforms.Anthropic, IReadOnlyList<string>? models = null, Dictionary<string, string>? map = null, bool enabled = true) =>
        new(new AccountRecord
        {
            Id = id,
            Name = id,
            SecretCiphertext = [1],
            Platform = platform,
            Priority = priority,
            CreatedAt = created,
            Models = models ?? [],
            ModelMap = map ?? [],
            Enabled = enabled,
        }, "s", null);

    private static KeyEntry Key(KeyPolicy? policy = null) =>
        new(new RelayKeyRecord { Id = "k", Name = "k", Hash = "h", Prefix = "cr_x", Policy = policy });

    private static RelaySnapshot Snapshot(params AccountEntry[] accounts) =>
        new(1, accounts, [], new PriceBook([new ModelPrice { Model = "claude-sonnet-4-5" }, new ModelPrice { Model = "gpt-4o" }]));

    [Fact]
    public void Names_come_from_prices_aliases_and_literal_models_and_need_a_serving_account()
    {
        var snapshot = Snapshot(
            Account("claude", 1, Late, models: ["claude-*"], map: new() { ["team-default"] = "claude-sonnet-4-5" }),
            Account("gpt", 2, Early, Platforms.OpenAI, models: ["gpt-4o", "o3-*"]));

        var models = ReachableModels.For(snapshot, Key());

        Assert.Equal(["claude-sonnet-4-5", "gpt-4o", "team-default"], models.Select(m => m.Id));
        Assert.Equal(new ReachableModel("gpt-4o", Platforms.OpenAI, Early), models[1]);
        Assert.Equal(new ReachableModel("team-default", Platforms.Anthropic, Late), models[2]);
    }

    [Fact]
    public void The_platform_is_the_first_account_in_scheduling_order_and_since_the_earliest()
    {
        var snapshot = Snapshot(Account("late-first", 1, Late), Account("early-second", 2, Early, Platforms.OpenAI));

        var model = ReachableModels.Find(snapshot, Key(), "claude-sonnet-4-5");

        Assert.Equal(new ReachableModel("claude-sonnet-4-5", Platforms.Anthropic, Early), model);
    }

    [Fact]
    public void Policy_rules_platforms_and_unusable_accounts_narrow_the_list()
    {
        var snapshot = Snapshot(Account("claude", 1, Early), Account("off", 1, Early, Platforms.OpenAI, enabled: false));
        var claudeOnly = Snapshot(Account("claude", 1, Early, models: ["claude-*"]), Account("off", 1, Early, Platforms.OpenAI, enabled: false));

        // An account with an empty model list serves every name, so the key's deny rule is what removes gpt-4o.
        Assert.Equal(["claude-sonnet-4-5"], ReachableModels.For(snapshot, Key(new KeyPolicy([], new ModelRules([], ["gpt-*"]), []))).Select(m => m.Id));
        Assert.Empty(ReachableModels.For(snapshot, Key(new KeyPolicy([Platforms.OpenAI], ModelRules.Any, []))));
        Assert.Null(ReachableModels.Find(claudeOnly, Key(), "gpt-4o"));
    }
}
