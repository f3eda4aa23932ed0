using System.Text.Json;
using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Storage.Sqlite;

/// <summary>
/// Converts the policy and limit columns. What was stored passed validation when written, so a value that no
/// longer converts means the file was edited by hand or by a newer build: fail loudly rather than drop a limit.
/// </summary>
internal static class StoredJson
{
    public static string Limits(IReadOnlyList<LimitRule> rules) =>
        JsonSerializer.Serialize([.. rules.Select(LimitRuleSpec.From)], StorageJsonContext.Default.LimitRuleSpecArray);

    public static IReadOnlyList<LimitRule> Limits(string json, string owner)
    {
        var specs = JsonSerializer.Deserialize(json, StorageJsonContext.Default.LimitRuleSpecArray) ?? [];
        return LimitRuleSpec.TryToRules(specs, "limits", out var rules, out var error)
            ? rules
            : throw new InvalidDataException($"{owner}: stored limits are invalid: {error}");
    }

    public static string? Policy(KeyPolicy? policy) =>
        policy is null ? null : JsonSerializer.Serialize(KeyPolicySpec.From(policy), StorageJsonContext.Default.KeyPolicySpec);

    public static KeyPolicy? Policy(string? json, string owner)
    {
        if (json is null)
        {
            return null;
        }

        var spec = JsonSerializer.Deserialize(json, StorageJsonContext.Default.KeyPolicySpec) ?? new KeyPolicySpec();
        return spec.TryToPolicy("policy", out var policy, out var error)
            ? policy
            : throw new InvalidDataException($"{owner}: stored policy is invalid: {error}");
    }
}
