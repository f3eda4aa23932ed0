using System.Text.Json.Serialization;
using Relay.Core.Keys;

namespace Relay.Server.Control.Keys;

/// <summary>
/// A relay key as the Control API shows it. <see cref="Key"/> carries the usable key only in the
/// answer to create and rotate; the store keeps nothing but its hash, so it cannot be shown again.
/// </summary>
internal sealed record KeyView(
    string Id,
    string Name,
    string Prefix,
    bool Enabled,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Key = null)
{
    public static KeyView From(RelayKeyRecord record, string? key = null) =>
        new(record.Id, record.Name, record.Prefix, record.Enabled, record.ExpiresAt, record.CreatedAt, record.UpdatedAt, key);
}
