using System.Text.Json.Serialization;

namespace Relay.Server.Control.Groups;

/// <summary>
/// The body of <c>POST /api/groups</c> and <c>PATCH /api/groups/{id}</c>. Null means "not given", except that an
/// explicit <c>"description": null</c> on update removes the description (<see cref="DescriptionGiven"/>).
/// </summary>
internal sealed record GroupInput
{
    public string? Name { get; init; }
    public string? Description { get; init; }

    /// <summary>Ids of the accounts that are the group's members; replaces the membership when given.</summary>
    public IReadOnlyList<string>? Accounts { get; init; }

    /// <summary>True when the caller set <see cref="Description"/>, possibly to null; filled in by the endpoint or the CLI.</summary>
    [JsonIgnore]
    public bool DescriptionGiven { get; init; }
}
