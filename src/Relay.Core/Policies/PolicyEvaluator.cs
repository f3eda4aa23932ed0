using Relay.Core.Snapshots;

namespace Relay.Core.Policies;

/// <summary>
/// Decides whether a key's policy lets a request through. Pure and allocation-free: it reads only the policy
/// (from the snapshot) and the request head, so it can run before anything leaves for the upstream.
/// </summary>
public static class PolicyEvaluator
{
    /// <param name="platform">
    /// The platform the request is for ("anthropic", "openai", "gemini"), or null when the platform is decided by the
    /// account the request lands on (the scheduler then only considers allowed platforms).
    /// </param>
    /// <param name="model">The model the client asked for, before any account's model mapping.</param>
    public static PolicyDecision Evaluate(KeyPolicy policy, string? platform, string? model, string? userAgent, ClientFamilies clients)
    {
        if (platform is not null && !IsPlatformAllowed(policy.Platforms, platform))
        {
            return new PolicyDecision(PolicyDenial.Platform);
        }

        if (model is not null && !IsModelAllowed(policy.Models, model))
        {
            return new PolicyDecision(PolicyDenial.Model);
        }

        return clients.IsAllowed(policy.Clients, userAgent) ? PolicyDecision.Allow : new PolicyDecision(PolicyDenial.Client);
    }

    public static bool IsPlatformAllowed(IReadOnlyList<string> platforms, string platform)
    {
        if (platforms.Count == 0)
        {
            return true;
        }

        // Indexed loops: foreach over an IReadOnlyList boxes an enumerator on every request.
        for (var i = 0; i < platforms.Count; i++)
        {
            if (string.Equals(platforms[i], platform, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Allowed iff (no allow patterns, or one matches) and no deny pattern matches.</summary>
    public static bool IsModelAllowed(ModelRules rules, string model) =>
        (rules.Allow.Count == 0 || MatchesAny(rules.Allow, model)) && !MatchesAny(rules.Deny, model);

    private static bool MatchesAny(IReadOnlyList<string> patterns, string model)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (Glob.IsMatch(patterns[i], model))
            {
                return true;
            }
        }

        return false;
    }
}
