using Relay.Core.Keys;
using Relay.Core.Policies;
using Relay.Core.Storage;

namespace Relay.Server.Control;

/// <summary>
/// Who is bound to what: keys and policies that name a group or an account, keys that point at a policy.
/// Deletes consult it (a group, account or policy something still depends on answers 409) and views count with it.
/// </summary>
internal sealed class Bindings
{
    private readonly IReadOnlyList<RelayKeyRecord> _keys;
    private readonly IReadOnlyList<PolicyRecord> _policies;
    private readonly Dictionary<string, PolicyRecord> _policiesById;

    private Bindings(IReadOnlyList<RelayKeyRecord> keys, IReadOnlyList<PolicyRecord> policies)
    {
        _keys = keys;
        _policies = policies;
        _policiesById = policies.ToDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public static async Task<Bindings> LoadAsync(IConfigStore store, CancellationToken cancellationToken) => new(
        await store.ListKeysAsync(cancellationToken).ConfigureAwait(false),
        await store.ListPoliciesAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Keys drawing from the group: through their own policy or through a shared one.</summary>
    public IReadOnlyList<string> KeysOfGroup(string groupId) =>
        [.. _keys.Where(k => EffectivePolicy(k)?.Group == groupId).Select(k => k.Id)];

    public IReadOnlyList<string> PoliciesOfGroup(string groupId) =>
        [.. _policies.Where(p => p.Policy.Group == groupId).Select(p => p.Id)];

    /// <summary>Keys dedicated to the account by their own policy (those dedicated through a shared policy count via <see cref="PoliciesOfAccount"/>).</summary>
    public IReadOnlyList<string> KeysOfAccount(string accountId) =>
        [.. _keys.Where(k => k.Policy?.Account == accountId).Select(k => k.Id)];

    public IReadOnlyList<string> PoliciesOfAccount(string accountId) =>
        [.. _policies.Where(p => p.Policy.Account == accountId).Select(p => p.Id)];

    public IReadOnlyList<string> KeysOfPolicy(string policyId) =>
        [.. _keys.Where(k => k.PolicyId == policyId).Select(k => k.Id)];

    /// <summary>Client families some key or policy restricts itself to.</summary>
    public IEnumerable<(string Owner, string Family)> ClientFamiliesInUse() =>
        _keys.Where(k => k.Policy is not null).SelectMany(k => k.Policy!.Clients.Select(c => (k.Id, c)))
            .Concat(_policies.SelectMany(p => p.Policy.Clients.Select(c => (p.Id, c))));

    /// <summary>"2 keys and 1 policy (key_a, key_b, pol_c)": what an operator must unbind first.</summary>
    public static string Describe(IReadOnlyList<string> keys, IReadOnlyList<string> policies)
    {
        var parts = new List<string>(2);
        if (keys.Count > 0)
        {
            parts.Add(keys.Count == 1 ? "1 key" : $"{keys.Count} keys");
        }

        if (policies.Count > 0)
        {
            parts.Add(policies.Count == 1 ? "1 policy" : $"{policies.Count} policies");
        }

        var ids = keys.Concat(policies).ToList();
        var shown = string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? ", …" : "");
        return $"{string.Join(" and ", parts)} ({shown})";
    }

    private KeyPolicy? EffectivePolicy(RelayKeyRecord key) =>
        key.Policy ?? (key.PolicyId is { } id && _policiesById.TryGetValue(id, out var shared) ? shared.Policy : null);
}
