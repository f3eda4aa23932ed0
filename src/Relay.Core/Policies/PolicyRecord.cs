using Relay.Core.Limits;

namespace Relay.Core.Policies;

/// <summary>
/// A reusable policy many keys point at (<see cref="Keys.RelayKeyRecord.PolicyId"/>): what they may reach and the
/// limits each of them gets. The limits are a template: every key that points here has its own counters.
/// </summary>
public sealed record PolicyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public KeyPolicy Policy { get; init; } = KeyPolicy.Unrestricted;
    public IReadOnlyList<LimitRule> Limits { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
