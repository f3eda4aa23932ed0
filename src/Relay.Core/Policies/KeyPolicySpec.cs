namespace Relay.Core.Policies;

/// <summary>
/// A policy in its text shape, as the Control API takes and shows it and as the store keeps it:
/// <c>{ "platforms": [...], "models": { "allow": [...], "deny": [...] }, "clients": [...], "group": id, "account": id, "fallbackToPool": false }</c>.
/// Omitted lists mean "no restriction".
/// </summary>
public sealed record KeyPolicySpec
{
    public IReadOnlyList<string>? Platforms { get; init; }
    public ModelRulesSpec? Models { get; init; }
    public IReadOnlyList<string>? Clients { get; init; }
    public string? Group { get; init; }
    public string? Account { get; init; }
    public bool? FallbackToPool { get; init; }

    public static KeyPolicySpec From(KeyPolicy policy) => new()
    {
        Platforms = policy.Platforms,
        Models = new ModelRulesSpec { Allow = policy.Models.Allow, Deny = policy.Models.Deny },
        Clients = policy.Clients,
        Group = policy.Group,
        Account = policy.Account,
        FallbackToPool = policy.FallbackToPool,
    };

    /// <summary>
    /// Shape checks only (non-empty strings, sizes); whether the group, account and platforms exist is the
    /// caller's check, since that needs the store.
    /// </summary>
    public bool TryToPolicy(string field, out KeyPolicy policy, out string? error)
    {
        policy = KeyPolicy.Unrestricted;
        if (!TryList(Platforms, $"{field}.platforms", lowerCase: true, out var platforms, out error)
            || !TryList(Models?.Allow, $"{field}.models.allow", lowerCase: false, out var allow, out error)
            || !TryList(Models?.Deny, $"{field}.models.deny", lowerCase: false, out var deny, out error)
            || !TryList(Clients, $"{field}.clients", lowerCase: true, out var clients, out error))
        {
            return false;
        }

        if (Group is { } g && string.IsNullOrWhiteSpace(g))
        {
            error = $"{field}.group must be a group id or null";
            return false;
        }

        if (Account is { } a && string.IsNullOrWhiteSpace(a))
        {
            error = $"{field}.account must be an account id or null";
            return false;
        }

        policy = new KeyPolicy(platforms, new ModelRules(allow, deny), clients, Group?.Trim(), Account?.Trim(), FallbackToPool ?? false);
        return true;
    }

    private const int MaxItems = 100;

    private static bool TryList(IReadOnlyList<string>? items, string field, bool lowerCase, out IReadOnlyList<string> result, out string? error)
    {
        result = [];
        error = null;
        if (items is null)
        {
            return true;
        }

        if (items.Count > MaxItems)
        {
            error = $"{field}: at most {MaxItems} entries";
            return false;
        }

        var list = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i]?.Trim();
            if (string.IsNullOrEmpty(item) || item.Length > 200)
            {
                error = $"{field}[{i}] must be a non-empty string of at most 200 characters";
                return false;
            }

            item = lowerCase ? item.ToLowerInvariant() : item;
            if (!list.Contains(item, StringComparer.Ordinal))
            {
                list.Add(item);
            }
        }

        result = list;
        return true;
    }
}

public sealed record ModelRulesSpec
{
    public IReadOnlyList<string>? Allow { get; init; }
    public IReadOnlyList<string>? Deny { get; init; }
}
