using Relay.Core.Accounts;
using Relay.Core.Policies;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;

namespace Relay.Core.Admission;

/// <summary>One model name a key can use, as <c>GET /v1/models</c> and <c>GET /api/me</c> show it.</summary>
/// <param name="Id">The name to send as <c>model</c>: a price-table model, or an account's alias or literal model.</param>
/// <param name="Platform">The platform of the first account (in scheduling order) in the key's reach that serves it.</param>
/// <param name="Since">When the earliest of those accounts was added to the relay (the release date is not known here).</param>
public sealed record ReachableModel(string Id, string Platform, DateTimeOffset Since);

/// <summary>
/// The models a key can actually reach: names known to the relay (the price table, each reachable account's
/// <c>modelMap</c> keys and literal <c>models</c> entries) that an account in the key's reach serves and that the
/// key's model rules allow. "In reach" is what the scheduler would consider for some client shape: the key's
/// binding (dedicated account, group or shared pool, and the fallback pool when allowed), usable (enabled, secret
/// readable), able to answer that shape, on a platform the policy allows. Health and load are not considered: a
/// cooling account still serves its models a minute later.
/// </summary>
public static class ReachableModels
{
    private static readonly string[] ClientShapes = [WireShapes.Messages, WireShapes.Chat, WireShapes.Responses];

    /// <returns>The models, ordered by id (ordinal), so a list can be paged by id.</returns>
    public static IReadOnlyList<ReachableModel> For(RelaySnapshot snapshot, KeyEntry key)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(key);
        if (key.PolicyMissing)
        {
            return [];
        }

        var reachable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shape in ClientShapes)
        {
            var filter = AccountFilter.For(shape, key.Policy);
            var choice = PoolChoice.For(snapshot, key, shape);
            Collect(choice.Pool, filter, reachable);
            if (choice.Fallback is { } fallback)
            {
                Collect(fallback, filter, reachable);
            }
        }

        // Scheduling order (priority, then id), so "the first account that serves it" is the one a request would try first.
        var accounts = snapshot.Accounts.Where(a => reachable.Contains(a.Id)).ToList();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var price in snapshot.Prices.All)
        {
            names.Add(price.Model);
        }

        foreach (var account in accounts)
        {
            names.UnionWith(account.Record.ModelMap.Keys);
            names.UnionWith(account.Record.Models.Where(m => m.IndexOfAny(['*', '?']) < 0));
        }

        var models = new List<ReachableModel>();
        foreach (var name in names)
        {
            if (!PolicyEvaluator.IsModelAllowed(key.Policy.Models, name))
            {
                continue;
            }

            AccountEntry? first = null;
            var since = DateTimeOffset.MaxValue;
            foreach (var account in accounts)
            {
                if (account.Serves(name))
                {
                    first ??= account;
                    since = account.Record.CreatedAt < since ? account.Record.CreatedAt : since;
                }
            }

            if (first is not null)
            {
                models.Add(new ReachableModel(name, first.Platform, since));
            }
        }

        return models;
    }

    /// <summary>One model of <see cref="For"/> by its exact id, or null when the key cannot reach it.</summary>
    public static ReachableModel? Find(RelaySnapshot snapshot, KeyEntry key, string id) =>
        For(snapshot, key).FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    private static void Collect(AccountPool pool, AccountFilter filter, HashSet<string> reachable)
    {
        foreach (var account in pool.Accounts)
        {
            if (account.IsUsable && filter.Allows(account))
            {
                reachable.Add(account.Id);
            }
        }
    }
}
