using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Core.Scheduling;

/// <summary>
/// Picks the account for one attempt and leases it:
/// 1. the conversation's sticky account, if it still serves the model and can take the request;
/// 2. otherwise the lowest priority tier that has an available account, where the choice inside
///    the tier is weighted random with weight / (in-flight + 1), so idle pools split by weight and
///    busy accounts receive less.
/// The returned account is leased (see <see cref="IHotState.TryAcquire"/>); the caller releases it.
/// </summary>
public sealed class AccountScheduler(IHotState state)
{
    public AccountSelection Select(
        RelaySnapshot snapshot,
        string platform,
        string? model,
        string? sessionKey,
        IReadOnlyCollection<string> alreadyTried,
        DateTimeOffset now)
    {
        if (sessionKey is not null
            && state.GetSticky(sessionKey, now) is { } stickyId
            && snapshot.AccountsById.TryGetValue(stickyId, out var sticky)
            && IsCandidate(sticky, platform, model, alreadyTried)
            && state.TryAcquire(sticky.Id, sticky.MaxConcurrency, now))
        {
            return AccountSelection.Chosen(sticky, sticky: true);
        }

        var servesModel = false;
        var untried = false;
        var accounts = snapshot.Accounts;
        var index = 0;

        // Small, stack-friendly buffer of the current tier's candidates; pools are tens of accounts.
        var tier = new List<AccountEntry>(8);
        while (index < accounts.Count)
        {
            var priority = accounts[index].Priority;
            tier.Clear();
            for (; index < accounts.Count && accounts[index].Priority == priority; index++)
            {
                var account = accounts[index];
                if (!ServesRequest(account, platform, model))
                {
                    continue;
                }

                servesModel = true;
                if (alreadyTried.Contains(account.Id))
                {
                    continue;
                }

                untried = true;
                tier.Add(account);
            }

            while (tier.Count > 0)
            {
                var pick = PickWeighted(tier, now);
                if (state.TryAcquire(pick.Id, pick.MaxConcurrency, now))
                {
                    return AccountSelection.Chosen(pick, sticky: false);
                }

                tier.Remove(pick);
            }
        }

        if (!servesModel)
        {
            return AccountSelection.None(NoAccountReason.ModelNotServed, default);
        }

        return untried
            ? AccountSelection.None(NoAccountReason.AllBusyOrCooling, EarliestRecovery(snapshot, platform, model, now))
            : AccountSelection.None(NoAccountReason.AllTried, EarliestRecovery(snapshot, platform, model, now));
    }

    private static bool IsCandidate(AccountEntry account, string platform, string? model, IReadOnlyCollection<string> tried) =>
        ServesRequest(account, platform, model) && !tried.Contains(account.Id);

    /// <summary>A null model (e.g. listing models) can be served by any usable account of the platform.</summary>
    private static bool ServesRequest(AccountEntry account, string platform, string? model) =>
        account.IsUsable && account.Platform == platform && (model is null || account.Serves(model));

    private AccountEntry PickWeighted(List<AccountEntry> tier, DateTimeOffset now)
    {
        if (tier.Count == 1)
        {
            return tier[0];
        }

        Span<double> shares = tier.Count <= 64 ? stackalloc double[tier.Count] : new double[tier.Count];
        var total = 0d;
        for (var i = 0; i < tier.Count; i++)
        {
            var inFlight = state.GetStatus(tier[i].Id, now).InFlight;
            shares[i] = (double)tier[i].Weight / (inFlight + 1);
            total += shares[i];
        }

        var roll = Random.Shared.NextDouble() * total;
        for (var i = 0; i < tier.Count; i++)
        {
            roll -= shares[i];
            if (roll < 0)
            {
                return tier[i];
            }
        }

        return tier[^1];
    }

    /// <summary>When the first account serving the model should be free again: the end of the shortest cooldown, or 1 s when only concurrency limits are in the way.</summary>
    public Recovery EarliestRecovery(RelaySnapshot snapshot, string platform, string? model, DateTimeOffset now)
    {
        TimeSpan? best = null;
        FailureKind? kind = null;
        foreach (var account in snapshot.Accounts)
        {
            if (!ServesRequest(account, platform, model))
            {
                continue;
            }

            var status = state.GetStatus(account.Id, now);
            TimeSpan? wait = status.Health switch
            {
                AccountHealth.Cooling when status.Until is { } until => until - now,
                AccountHealth.Active => TimeSpan.FromSeconds(1),
                _ => null,
            };

            if (wait is { } w && (best is null || w < best))
            {
                best = w;
                kind = status.Health == AccountHealth.Cooling ? status.CoolingKind : null;
            }
        }

        return new Recovery(best, kind);
    }
}
