using System.Text.Json.Serialization;
using Relay.Core.Admission;
using Relay.Core.Keys;
using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Server.Control.Keys;

/// <summary>
/// A relay key as the Control API shows it. <see cref="Key"/> carries the usable key only in the
/// answer to create and rotate; the store keeps nothing but its hash, which no view shows.
/// </summary>
internal sealed record KeyView
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    public bool Enabled { get; init; }

    /// <summary>When the key stops working: the earlier of <c>expires.at</c> and first use + <c>expires.afterFirstUse</c>; null when there is none (yet).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The expiry as configured; omitted when the key never expires.</summary>
    public KeyExpiresView? Expires { get; init; }

    /// <summary>When the key was first used; null while it never has been.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public DateTimeOffset? FirstUsedAt { get; init; }

    public string? PolicyId { get; init; }
    public KeyPolicySpec? Policy { get; init; }
    public IReadOnlyList<LimitRuleSpec> Limits { get; init; } = [];

    /// <summary>Where each limit that applies (own and shared policy's) stands now; omitted when the key has none.</summary>
    public IReadOnlyList<LimitStatus>? LimitStatus { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? Key { get; init; }

    public static KeyView From(RelayKeyRecord record, string? key = null) => new()
    {
        Id = record.Id,
        Name = record.Name,
        Prefix = record.Prefix,
        Enabled = record.Enabled,
        ExpiresAt = record.Expiry.ExpiresAt(record.FirstUsedAt),
        Expires = record.ExpiresAt is null && record.ExpiresAfterFirstUse is null
            ? null
            : new KeyExpiresView(record.ExpiresAt, record.ExpiresAfterFirstUse is { } span ? ExpiryText.Format(span) : null),
        FirstUsedAt = record.FirstUsedAt,
        PolicyId = record.PolicyId,
        Policy = record.Policy is { } policy ? KeyPolicySpec.From(policy) : null,
        Limits = LimitRuleSpec.FromRules(record.Limits),
        CreatedAt = record.CreatedAt,
        UpdatedAt = record.UpdatedAt,
        Key = key,
    };
}

internal sealed record KeyExpiresView(DateTimeOffset? At, string? AfterFirstUse);
