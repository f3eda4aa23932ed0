using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Server.Control.Policies;

/// <summary>A shared policy as the Control API shows it, with how many keys point at it.</summary>
internal sealed record PolicyView(
    string Id,
    string Name,
    string? Description,
    KeyPolicySpec Policy,
    IReadOnlyList<LimitRuleSpec> Limits,
    int Keys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PolicyView From(PolicyRecord policy, Bindings bindings) => new(
        policy.Id,
        policy.Name,
        policy.Description,
        KeyPolicySpec.From(policy.Policy),
        LimitRuleSpec.FromRules(policy.Limits),
        bindings.KeysOfPolicy(policy.Id).Count,
        policy.CreatedAt,
        policy.UpdatedAt);
}
