namespace Relay.Core.Groups;

/// <summary>
/// A named pool of accounts. Membership is held on the accounts (<see cref="Accounts.AccountRecord.Groups"/>),
/// so an account may be in several groups. A key bound to a group draws only from the group's accounts.
/// </summary>
public sealed record GroupRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
