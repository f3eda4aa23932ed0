using Relay.Core.Limits;
using Relay.Core.Policies;

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

    /// <summary>Fixed expiry instant, if any.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Expiry relative to the first request made with the key (a "30 days from first use" trial).</summary>
    public TimeSpan? ExpiresAfterFirstUse { get; init; }

    /// <summary>When the key first passed authentication; null while it has never been used.</summary>
    public DateTimeOffset? FirstUsedAt { get; init; }

    /// <summary>A shared policy (<see cref="PolicyRecord"/>). A key has either this or an inline <see cref="Policy"/>, never both.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The key's own policy; null (and no <see cref="PolicyId"/>) means unrestricted.</summary>
    public KeyPolicy? Policy { get; init; }

    /// <summary>The key's own limits, enforced together with those of its shared policy.</summary>
    public IReadOnlyList<LimitRule> Limits { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public KeyExpiry Expiry => ExpiresAt is null && ExpiresAfterFirstUse is null ? KeyExpiry.Never : new KeyExpiry(ExpiresAt, ExpiresAfterFirstUse);
}
