using Relay.Core.Groups;

namespace Relay.Server.Control.Groups;

/// <summary>A group as the Control API shows it: its members, and how many keys and policies draw from it.</summary>
internal sealed record GroupView(
    string Id,
    string Name,
    string? Description,
    IReadOnlyList<string> Accounts,
    int Keys,
    int Policies,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static GroupView From(GroupRecord group, IReadOnlyList<string> members, Bindings bindings) => new(
        group.Id,
        group.Name,
        group.Description,
        members,
        bindings.KeysOfGroup(group.Id).Count,
        bindings.PoliciesOfGroup(group.Id).Count,
        group.CreatedAt,
        group.UpdatedAt);
}
