using Microsoft.Data.Sqlite;
using Relay.Core.Policies;
using Relay.Core.Storage;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    private const string PolicyColumns =
        "id AS Id, name AS Name, description AS Description, policy AS Policy, limits AS Limits, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public Task<IReadOnlyList<PolicyRecord>> ListPoliciesAsync(CancellationToken cancellationToken = default) =>
        ListAsync<PolicyRow, PolicyRecord>($"SELECT {PolicyColumns} FROM policies ORDER BY name, id", row => row.ToRecord(), cancellationToken);

    public async Task<PolicyRecord?> GetPolicyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var rows = await QueryAsync<PolicyRow>($"SELECT {PolicyColumns} FROM policies WHERE id = @id", new { id }, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToRecord();
    }

    public async Task InsertPolicyAsync(PolicyRecord policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            await MutateAsync(
                """
                INSERT INTO policies (id, name, description, policy, limits, created_at, updated_at)
                VALUES (@Id, @Name, @Description, @Policy, @Limits, @CreatedAt, @UpdatedAt)
                """,
                PolicyRow.From(policy),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw new DuplicateNameException($"A policy named '{policy.Name}' already exists.", ex);
        }
    }

    public async Task<bool> UpdatePolicyAsync(PolicyRecord policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            return await MutateAsync(
                "UPDATE policies SET name = @Name, description = @Description, policy = @Policy, limits = @Limits, updated_at = @UpdatedAt WHERE id = @Id",
                PolicyRow.From(policy),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsUniqueViolation(ex))
        {
            throw new DuplicateNameException($"A policy named '{policy.Name}' already exists.", ex);
        }
    }

    public Task<bool> DeletePolicyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return MutateAsync("DELETE FROM policies WHERE id = @id", new { id }, cancellationToken);
    }

    private sealed class PolicyRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string Policy { get; set; } = "{}";
        public string Limits { get; set; } = "[]";
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }

        public static PolicyRow From(PolicyRecord policy) => new()
        {
            Id = policy.Id,
            Name = policy.Name,
            Description = policy.Description,
            Policy = StoredJson.Policy(policy.Policy)!,
            Limits = StoredJson.Limits(policy.Limits),
            CreatedAt = UnixTime.ToMilliseconds(policy.CreatedAt),
            UpdatedAt = UnixTime.ToMilliseconds(policy.UpdatedAt),
        };

        public PolicyRecord ToRecord() => new()
        {
            Id = Id,
            Name = Name,
            Description = Description,
            Policy = StoredJson.Policy(Policy, $"policy {Id}") ?? KeyPolicy.Unrestricted,
            Limits = StoredJson.Limits(Limits, $"policy {Id}"),
            CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
            UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
        };
    }
}
