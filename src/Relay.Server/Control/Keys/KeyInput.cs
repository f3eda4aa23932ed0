using System.Text.Json.Serialization;

namespace Relay.Server.Control.Keys;

/// <summary>
/// The body of <c>POST /api/keys</c> and <c>PATCH /api/keys/{id}</c>. Null means "not given",
/// except that an explicit <c>"expiresAt": null</c> on update removes the expiry
/// (<see cref="ExpiresAtGiven"/> tells the two apart).
/// </summary>
internal sealed record KeyInput
{
    public string? Name { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public bool? Enabled { get; init; }

    /// <summary>True when the caller set <see cref="ExpiresAt"/>, possibly to null; filled in by the endpoint or the CLI, not from JSON.</summary>
    [JsonIgnore]
    public bool ExpiresAtGiven { get; init; }
}
