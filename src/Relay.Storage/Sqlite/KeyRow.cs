using Relay.Core.Keys;

namespace Relay.Storage.Sqlite;

/// <summary>One <c>relay_keys</c> row as Dapper reads and writes it; converts to and from <see cref="RelayKeyRecord"/>.</summary>
internal sealed class KeyRow
{
    public const string Columns =
        "id AS Id, name AS Name, hash AS Hash, prefix AS Prefix, enabled AS Enabled, " +
        "expires_at AS ExpiresAt, expires_after_first_use_ms AS ExpiresAfterFirstUseMs, first_used_at AS FirstUsedAt, " +
        "policy_id AS PolicyId, policy AS Policy, limits AS Limits, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Hash { get; set; } = "";
    public string Prefix { get; set; } = "";
    public bool Enabled { get; set; }
    public long? ExpiresAt { get; set; }
    public long? ExpiresAfterFirstUseMs { get; set; }
    public long? FirstUsedAt { get; set; }
    public string? PolicyId { get; set; }
    public string? Policy { get; set; }
    public string Limits { get; set; } = "[]";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }

    public static KeyRow From(RelayKeyRecord key) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Hash = key.Hash,
        Prefix = key.Prefix,
        Enabled = key.Enabled,
        ExpiresAt = UnixTime.ToMilliseconds(key.ExpiresAt),
        ExpiresAfterFirstUseMs = key.ExpiresAfterFirstUse is { } span ? (long)span.TotalMilliseconds : null,
        FirstUsedAt = UnixTime.ToMilliseconds(key.FirstUsedAt),
        PolicyId = key.PolicyId,
        Policy = StoredJson.Policy(key.Policy),
        Limits = StoredJson.Limits(key.Limits),
        CreatedAt = UnixTime.ToMilliseconds(key.CreatedAt),
        UpdatedAt = UnixTime.ToMilliseconds(key.UpdatedAt),
    };

    public RelayKeyRecord ToRecord() => new()
    {
        Id = Id,
        Name = Name,
        Hash = Hash,
        Prefix = Prefix,
        Enabled = Enabled,
        ExpiresAt = UnixTime.FromMilliseconds(ExpiresAt),
        ExpiresAfterFirstUse = ExpiresAfterFirstUseMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        FirstUsedAt = UnixTime.FromMilliseconds(FirstUsedAt),
        PolicyId = PolicyId,
        Policy = StoredJson.Policy(Policy, $"key {Id}"),
        Limits = StoredJson.Limits(Limits, $"key {Id}"),
        CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
        UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
    };
}
