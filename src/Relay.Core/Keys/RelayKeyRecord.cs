namespace Relay.Core.Keys;

/// <summary>
/// A relay key as stored: only the SHA-256 hash of the key (hex, lower case) and a short
/// display prefix are kept. Keys carry ≥ 190 bits of entropy, so a fast hash is safe here
/// and keeps authentication on the request path to one dictionary lookup.
/// </summary>
public sealed record RelayKeyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Hash { get; init; }

    /// <summary>The first characters of the key (e.g. <c>cr_AbC4</c>), enough to recognise it, never enough to use it.</summary>
    public required string Prefix { get; init; }

    public bool Enabled { get; init; } = true;
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
