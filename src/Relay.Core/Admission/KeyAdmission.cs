using Relay.Core.Limits;
using Relay.Core.Policies;
using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Core.Admission;

/// <summary>
/// The key-side checks before anything leaves for an upstream, in the order a user would reason about them:
/// policy (may this key do this at all?), concurrency (is there a free slot, or room to wait?), then the
/// windowed limits (one atomic reservation of requests, estimated tokens and estimated cost).
/// Reads only the snapshot and the hot state; every decision is one call on <see cref="IHotState"/>.
/// Format-neutral: each inbound wire shape maps a <see cref="Refusal"/> to its own status and body.
/// </summary>
public sealed class KeyAdmission(IHotState state)
{
    /// <summary>
    /// The parts of the policy a request head decides: model and client. The platform is not checked here: which
    /// platform serves a request depends on the account chosen, so the scheduler only considers allowed platforms
    /// (<see cref="Scheduling.AccountFilter"/>).
    /// </summary>
    public static Refusal? CheckPolicy(RelaySnapshot snapshot, KeyEntry key, string? model, string? userAgent)
    {
        if (key.PolicyMissing)
        {
            return new Refusal(RefusalKind.PolicyDenied, "This key's policy no longer exists; ask the relay operator to assign one.", null);
        }

        return PolicyEvaluator.Evaluate(key.Policy, platform: null, model, userAgent, snapshot.Clients).Denial switch
        {
            PolicyDenial.Model => new Refusal(RefusalKind.PolicyDenied, $"This key may not use the model '{model}'.", null),
            PolicyDenial.Client => new Refusal(RefusalKind.PolicyDenied, "This key may only be used from " + string.Join(", ", key.Policy.Clients) + ".", null),
            _ => null,
        };
    }

    /// <summary>
    /// Takes one of the key's concurrency slots, waiting in its queue if it has one. Returns the outcome and, when
    /// not acquired, the refusal. Only <see cref="SlotOutcome.Acquired"/> must be paired with <see cref="ReleaseSlot"/>.
    /// </summary>
    public async ValueTask<(SlotOutcome Outcome, Refusal? Refusal)> AcquireSlotAsync(KeyEntry key, CancellationToken cancellationToken)
    {
        if (key.Concurrency is not { } rule)
        {
            return (SlotOutcome.Acquired, null);
        }

        var max = (int)rule.Max;
        var outcome = rule.Queue is { } queue
            ? await state.WaitForSlotAsync(key.Scope, max, queue.Size, queue.Timeout, cancellationToken).ConfigureAwait(false)
            : state.TryAcquireSlot(key.Scope, max) ? SlotOutcome.Acquired : SlotOutcome.QueueFull;

        return outcome switch
        {
            SlotOutcome.Acquired or SlotOutcome.Cancelled => (outcome, null),
            SlotOutcome.TimedOut => (outcome, new Refusal(
                RefusalKind.ConcurrencyLimited,
                $"This key's limit of {max} concurrent requests is reached; the request waited {DurationText.Format(rule.Queue!.Timeout)} in the queue without a slot freeing up.",
                TimeSpan.FromSeconds(1))),
            _ => (outcome, new Refusal(
                RefusalKind.ConcurrencyLimited,
                $"This key's limit of {max} concurrent requests is reached" + (rule.Queue is null ? "." : " and its wait queue is full."),
                TimeSpan.FromSeconds(1))),
        };
    }

    public void ReleaseSlot(KeyEntry key)
    {
        if (key.Concurrency is not null)
        {
            state.ReleaseSlot(key.Scope);
        }
    }

    /// <summary>Reserves one request and the estimate against every windowed rule of the key, or refuses naming the binding rule.</summary>
    public (ReservationHandle? Handle, Refusal? Refusal) Reserve(RelaySnapshot snapshot, KeyEntry key, decimal estimatedTokens, decimal estimatedCost, DateTimeOffset now)
    {
        if (key.WindowRules.Length == 0)
        {
            return (null, null);
        }

        var charges = LimitCharges.For(key.Scope, key.WindowRules, estimatedTokens, estimatedCost);
        var result = state.TryReserve(charges, snapshot.Calendar, now);
        if (result.Admitted)
        {
            return (result.Handle, null);
        }

        var rule = charges[result.FailedChargeIndex].Rule;
        var fromPolicy = key.SharedPolicy is { } shared && !key.Record.Limits.Contains(rule) ? $" (from policy '{shared.Name}')" : "";
        var budget = LimitText.IsBudget(rule.Window);
        var message = budget
            ? $"This key's {LimitText.Describe(rule)}{fromPolicy} is spent" + (result.RetryAfter is { } r ? $"; it resets at {(now + r).UtcDateTime:yyyy-MM-dd HH:mm} UTC." : ".")
            : $"This key's {LimitText.Describe(rule)}{fromPolicy} is reached.";
        return (null, new Refusal(budget ? RefusalKind.BudgetSpent : RefusalKind.RateLimited, message, result.RetryAfter));
    }

    /// <summary>Replaces the estimate with the real usage; with no usage at all, refunds instead.</summary>
    public void Complete(RelaySnapshot snapshot, ReservationHandle? handle, long tokens, decimal cost, bool reachedUpstream, DateTimeOffset now)
    {
        if (handle is null)
        {
            return;
        }

        if (tokens > 0 || cost > 0)
        {
            state.Settle(handle, tokens, cost, snapshot.Calendar, now);
        }
        else
        {
            // Nothing was used. A request that reached an upstream still counts against request rates;
            // one that never left (no account, client gone before sending) does not.
            state.Refund(handle, includeRequests: !reachedUpstream);
        }
    }
}
