using System.Text.Json.Serialization;
using Relay.Core.Policies;
using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Policies;

/// <summary>
/// The body of <c>POST /api/policies</c> and <c>PATCH /api/policies/{id}</c>. Each given field replaces the stored
/// one (<c>policy</c> as a whole); an explicit <c>"description": null</c> removes the description.
/// </summary>
internal sealed record PolicyInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>What keys pointing here may reach; omitted lists mean "no restriction".</summary>
    public KeyPolicySpec? Policy { get; init; }

    /// <summary>A template: every key pointing at the policy gets its own counters.</summary>
    public IReadOnlyList<LimitRuleInput>? Limits { get; init; }

    [JsonIgnore]
    public bool DescriptionGiven { get; init; }
}
