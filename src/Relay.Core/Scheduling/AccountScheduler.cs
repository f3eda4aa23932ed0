using Relay.Core.Limits;
using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Core.Scheduling;

/// <summary>
/// Picks the account for one attempt from a pool (shared, a group, or a dedicated account) and leases it:
/// 1. the conversation's sticky account, if it is in the pool, still serves the model and can take the request;
/// 2. otherwise the lowest priority tier that has an available account; inside the tier <see cref="TierChoice"/>
///    prefers the subscription account with the most headroom in its usage windows (within a small band, and
///    counting requests in flight), and otherwise chooses weighted random with weight / (in-flight + 1), so idle
///    pools split by weight and busy accounts receive less.
/// The sticky account wins even over one with more headroom: moving a conversation loses the provider's prompt cache.
/// An account with limit rules must also admit the request's estimate (one atomic reservation); one at its
/// limit is skipped like a busy one. The returned account is leased (see <see cref="IHotState.TryAcquire"/>) and
/// carries its reservation; the caller releases both.
/// </summary>
public sealed class AccountScheduler(IHotState state)
{
    public AccountSelection Select(
        RelaySnapshot snapshot,
        AccountPool pool,
        AccountFilter filter,
        string? model,
        string? sessionKey,
        IReadOnlyCollection<string> alreadyTried,
        UsageEstimate estimate,
        DateTimeOffset now)
    {
        TimeSpan? limitWait = null;
        var limited = false;
        var busy = false;
        if (sessionKey is not null
            && state.GetSticky(sessionKey, now) is { } stickyId
            && snapshot.AccountsById.TryGetValue(stickyId, out var sticky)
            && pool.Contains(sticky)
            && IsCandidate(sticky, filter, model, alreadyTried)
            && TryLease(snapshot, sticky, model, estimate, now, ref limited, ref busy, ref limitWait) is { } stickyReservation)
        {
            return AccountSelection.Chosen(sticky, sticky: true, stickyReservation);
        }

        var servesModel = false;
        var untried = false;
        var accounts = pool.Accounts;
        var index = 0;

        // The current tier's candidates as indexes into the pool, on the stack: pools are tens of accounts.
        Span<int> tier = accounts.Count <= MaxStackCandidates ? stackalloc int[accounts.Count] : new int[accounts.Count];
        while (index < accounts.Count)
        {
            var priority = accounts[index].Priority;
            var count = 0;
            for (; index < accounts.Count && accounts[index].Priority == priority; index++)
            {
                var account = accounts[index];
                if (!ServesRequest(account, filter, model))
                {
                    continue;
                }

                servesModel = true;
                if (alreadyTried.Contains(account.Id))
                {
                    continue;
                }

                untried = true;
                tier[count++] = index;
            }

            while (count > 0)
            {
                var at = PickInTier(accounts, tier[..count], now);
                var pick = accounts[tier[at]];
                if (TryLease(snapshot, pick, model, estimate, now, ref limited, ref busy, ref limitWait) is { } reservation)
                {
                    return AccountSelection.Chosen(pick, sticky: false, reservation);
                }

                // Order inside a tier does not matter to the draw, so the last candidate fills the gap.
                tier[at] = tier[--count];
            }
        }

        if (!servesModel)
        {
            return AccountSelection.None(NoAccountReason.ModelNotServed, default);
        }

        if (!untried)
        {
            return AccountSelection.None(NoAccountReason.AllTried, EarliestRecovery(pool, filter, model, now));
        }

        if (limited && !busy)
        {
            // Every candidate turned the request away on its own limits; say when the first has room again.
            return AccountSelection.None(NoAccountReason.AccountLimits, new Recovery(limitWait, null));
        }

        return AccountSelection.None(NoAccountReason.AllBusyOrCooling, EarliestRecovery(pool, filter, model, now));
    }

    /// <summary>Leases the account and reserves against its limits; null (lease released) when either refuses.</summary>
    private ReservationHandle? TryLease(
        RelaySnapshot snapshot, AccountEntry account, string? model, UsageEstimate estimate, DateTimeOffset now,
        ref bool limited, ref bool busy, ref TimeSpan? limitWait)
    {
        if (!state.TryAcquire(account.Id, account.MaxConcurrency, now))
        {
            busy = true;
            return null;
        }

        if (account.WindowRules.Length == 0)
        {
            return NoReservation;
        }

        var cost = estimate.Tokens > 0 && model is not null
            ? snapshot.Prices.InputCost(account.MapModel(model), estimate.Tokens)
            : 0m;
        var charges = LimitCharges.For(account.Scope, account.WindowRules, estimate.Tokens, cost);
        var result = state.TryReserve(charges, snapshot.Calendar, now);
        if (result.Admitted)
        {
            return result.Handle;
        }

        state.Release(account.Id);
        limited = true;
        if (result.RetryAfter is { } wait && (limitWait is null || wait < limitWait))
        {
            limitWait = wait;
        }

        return null;
    }

    /// <summary>Stands in for "nothing reserved" so a chosen account always has a handle to settle.</summary>
    internal static ReservationHandle NoReservation { get; } = new([]);

    private static bool IsCandidate(AccountEntry account, AccountFilter filter, string? model, IReadOnlyCollection<string> tried) =>
        ServesRequest(account, filter, model) && !tried.Contains(account.Id);

    /// <summary>A null model can be served by any usable account the filter allows.</summary>
    private static bool ServesRequest(AccountEntry account, AccountFilter filter, string? model) =>
        account.IsUsable && filter.Allows(account) && (model is null || account.Serves(model));

    /// <summary>Above this many candidates the scheduler's buffers go to the heap instead of the stack.</summary>
    private const int MaxStackCandidates = 64;

    /// <summary>The position in <paramref name="tier"/> of the account to try next (see <see cref="TierChoice"/>).</summary>
    private int PickInTier(IReadOnlyList<AccountEntry> accounts, ReadOnlySpan<int> tier, DateTimeOffset now)
    {
        if (tier.Length == 1)
        {
            return 0;
        }

        Span<AccountLoad> loads = tier.Length <= MaxStackCandidates ? stackalloc AccountLoad[tier.Length] : new AccountLoad[tier.Length];
        Span<int> weights = tier.Length <= MaxStackCandidates ? stackalloc int[tier.Length] : new int[tier.Length];
        for (var i = 0; i < tier.Length; i++)
        {
            var account = accounts[tier[i]];
            loads[i] = state.GetLoad(account.Id, now);
            weights[i] = account.Weight;
        }

        return TierChoice.Pick(loads, weights, Random.Shared.NextDouble());
    }

    /// <summary>When the first account of the pool serving the model should be free again: the end of the shortest cooldown, or 1 s when only concurrency limits are in the way.</summary>
    public Recovery EarliestRecovery(AccountPool pool, AccountFilter filter, string? model, DateTimeOffset now)
    {
        TimeSpan? best = null;
        FailureKind? kind = null;
        foreach (var account in pool.Accounts)
        {
            if (!ServesRequest(account, filter, model))
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
