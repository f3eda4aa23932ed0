using Relay.Core.Policies;

namespace Relay.Core.Tests.Policies;

public sealed class PolicyEvaluatorTests
{
    private const string ClaudeCodeAgent = "claude-cli/2.0.14 (external, cli)";

    [Theory]
    [InlineData("claude-3-5-haiku-20241022", true)]
    [InlineData("claude-haiku-4-5", false)] // not matching the allow pattern
    [InlineData("claude-sonnet-4-5", true)]
    [InlineData("claude-opus-4-1", false)] // denied
    [InlineData("CLAUDE-SONNET-4-5", true)]
    [InlineData("gpt-5", false)]
    public void Deny_wins_over_allow(string model, bool allowed)
    {
        var rules = new ModelRules(["claude-*-haiku-*", "claude-sonnet-*", "claude-opus-*"], ["claude-opus-*"]);
        Assert.Equal(allowed, PolicyEvaluator.IsModelAllowed(rules, model));
    }

    [Fact]
    public void Empty_allow_means_everything_not_denied()
    {
        var rules = new ModelRules([], ["*-preview*"]);
        Assert.True(PolicyEvaluator.IsModelAllowed(rules, "gemini-2.5-pro"));
        Assert.False(PolicyEvaluator.IsModelAllowed(rules, "gemini-3-pro-preview"));
        Assert.True(PolicyEvaluator.IsModelAllowed(ModelRules.Any, "anything"));
    }

    [Fact]
    public void Evaluation_names_what_refused()
    {
        var policy = new KeyPolicy(["anthropic"], new ModelRules([], ["claude-opus-*"]), [ClientFamilies.ClaudeCode]);
        var clients = ClientFamilies.BuiltInOnly;

        Assert.True(PolicyEvaluator.Evaluate(policy, "anthropic", "claude-sonnet-4-5", ClaudeCodeAgent, clients).Allowed);
        Assert.Equal(PolicyDenial.Platform, PolicyEvaluator.Evaluate(policy, "openai", "gpt-5", ClaudeCodeAgent, clients).Denial);
        Assert.Equal(PolicyDenial.Model, PolicyEvaluator.Evaluate(policy, "anthropic", "claude-opus-4-1", ClaudeCodeAgent, clients).Denial);
        Assert.Equal(PolicyDenial.Client, PolicyEvaluator.Evaluate(policy, "anthropic", "claude-sonnet-4-5", "curl/8.5.0", clients).Denial);
        Assert.Equal(PolicyDenial.Client, PolicyEvaluator.Evaluate(policy, "anthropic", "claude-sonnet-4-5", null, clients).Denial);
        Assert.True(PolicyEvaluator.Evaluate(KeyPolicy.Unrestricted, "gemini", "x", "curl/8.5.0", clients).Allowed);
    }

    [Fact]
    public void Expiry_at_a_date_or_after_first_use()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var fixedDate = new KeyExpiry(At: now);
        Assert.False(fixedDate.IsExpired(now.AddTicks(-1), null));
        Assert.True(fixedDate.IsExpired(now, null));

        var trial = new KeyExpiry(AfterFirstUse: TimeSpan.FromDays(30));
        Assert.False(trial.IsExpired(now.AddYears(5), firstUsedAt: null)); // the clock starts at first use
        Assert.False(trial.IsExpired(now.AddDays(29), firstUsedAt: now));
        Assert.True(trial.IsExpired(now.AddDays(30), firstUsedAt: now));

        var both = new KeyExpiry(now.AddDays(10), TimeSpan.FromDays(30));
        Assert.Equal(now.AddDays(10), both.ExpiresAt(now));
        Assert.Null(KeyExpiry.Never.ExpiresAt(now));
    }
}
