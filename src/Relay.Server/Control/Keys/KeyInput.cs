using System.Text.Json.Serialization;
using Relay.Core.Policies;
using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Keys;

/// <summary>
/// The body of <c>POST /api/keys</c> and <c>PATCH /api/keys/{id}</c>. Null means "not given"; on update an
/// explicit null clears <c>expiresAt</c>, <c>expires</c>, <c>policy</c> or <c>policyId</c> (the <c>…Given</c>
/// flags tell the two apart). Each given field replaces the stored one.
/// </summary>
internal sealed record KeyInput
{
    public string? Name { get; init; }

    /// <summary>The fixed expiry instant alone; the older spelling of <c>expires.at</c> (keeps <c>afterFirstUse</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The whole expiry: a fixed instant and/or a span after the first request.</summary>
    public KeyExpiresInput? Expires { get; init; }

    public bool? Enabled { get; init; }

    /// <summary>A shared policy (<c>/api/policies</c>); a key has this or its own <see cref="Policy"/>, not both.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The key's own policy.</summary>
    public KeyPolicySpec? Policy { get; init; }

    /// <summary>The key's own limits, enforced together with those of its shared policy.</summary>
    public IReadOnlyList<LimitRuleInput>? Limits { get; init; }

    /// <summary>True when the caller set <see cref="ExpiresAt"/>, possibly to null; filled in by the endpoint or the CLI, not from JSON.</summary>
    [JsonIgnore]
    public bool ExpiresAtGiven { get; init; }

    [JsonIgnore]
    public bool ExpiresGiven { get; init; }

    [JsonIgnore]
    public bool PolicyIdGiven { get; init; }

    [JsonIgnore]
    public bool PolicyGiven { get; init; }
}

/// <summary><c>{ "at": "2026-12-31T00:00:00Z", "afterFirstUse": "30d" }</c>: either, both (the earlier wins) or neither.</summary>
internal sealed record KeyExpiresInput
{
    public DateTimeOffset? At { get; init; }

    /// <summary>A whole number and a unit: s, m, h, d or w ("30d").</summary>
    public string? AfterFirstUse { get; init; }
}
