using Relay.Core.Limits;
using Relay.Protocols.RateLimits;

namespace Relay.Core.State;

/// <summary>
/// Fast-changing shared state: account health and leases, sticky sessions. Every decision is one
/// call so that a Redis implementation can make it one atomic script; callers never read-then-write.
/// </summary>
public interface IHotState
{
    /// <summary>
    /// Takes a lease on the account if it is healthy (or may take its single half-open probe) and
    /// below <paramref name="maxConcurrency"/> (0 = unlimited). Every true result must be paired with
    /// exactly one <see cref="Release"/>.
    /// </summary>
    bool TryAcquire(string accountId, int maxConcurrency, DateTimeOffset now);

    /// <summary>Ends a lease taken by <see cref="TryAcquire"/>.</summary>
    void Release(string accountId);

    /// <summary>Records a good answer: clears failures (a credential error too) and closes the breaker. The last error stays.</summary>
    void ReportSuccess(string accountId);

    /// <summary>
    /// Records a failed attempt and cools the account according to <see cref="CoolingPolicy"/>. The attempt also
    /// becomes the account's <see cref="AccountStatus.LastError"/>: <paramref name="upstreamStatus"/> (0 = no answer)
    /// and <paramref name="message"/> (scrubbed by the caller), else <paramref name="reason"/>.
    /// </summary>
    /// <param name="until">
    /// For <see cref="FailureKind.RateLimited"/>: the exact end the upstream announced (a usage window's reset), which
    /// replaces the hint's cooldown, capped at <see cref="CoolingPolicy.MaxUsageWindowCooldown"/>.
    /// </param>
    void ReportFailure(string accountId, FailureKind kind, TimeSpan? upstreamHint, string reason, DateTimeOffset now, int upstreamStatus = 0, string? message = null, DateTimeOffset? until = null);

    /// <summary>Keeps the latest usage-window report of the account's upstream (latest wins; memory only).</summary>
    void ReportUsageWindows(string accountId, UsageWindowReport report, DateTimeOffset now);

    /// <summary>The latest usage-window report seen for the account since start, or null.</summary>
    ObservedUsageWindows? GetUsageWindows(string accountId);

    /// <summary>Operator action: forget errors, cooldowns and the last error of the account.</summary>
    void Reset(string accountId);

    AccountStatus GetStatus(string accountId, DateTimeOffset now);

    /// <summary>
    /// The account's requests in flight and subscription use at <paramref name="now"/>, for choosing between accounts.
    /// Read on every choice for every candidate, so it takes no lock and allocates nothing; a moment's staleness only
    /// shifts a preference, it never admits anything (<see cref="TryAcquire"/> does that).
    /// </summary>
    AccountLoad GetLoad(string accountId, DateTimeOffset now);

    /// <summary>The account a conversation was last served by, if the mapping has not expired.</summary>
    string? GetSticky(string sessionKey, DateTimeOffset now);

    void SetSticky(string sessionKey, string accountId, TimeSpan ttl, DateTimeOffset now);

    // ---- Limits (issue 4). Each call below is one atomic decision; see Relay.Core.Limits.WindowMath for window semantics.

    /// <summary>
    /// Checks every charge (a key's and its account's windowed rules together) and, only if all fit, adds all of
    /// them. Refusals name the binding charge and when it would fit. An admitted result must end in exactly one
    /// <see cref="Settle"/> or <see cref="Refund"/>.
    /// </summary>
    ReservationResult TryReserve(IReadOnlyList<LimitCharge> charges, CalendarSettings calendar, DateTimeOffset now);

    /// <summary>Replaces the reserved token and cost estimates with the real usage, counted at <paramref name="now"/>.</summary>
    void Settle(ReservationHandle handle, decimal actualTokens, decimal actualCost, CalendarSettings calendar, DateTimeOffset now);

    /// <summary>Returns a reservation's tokens and cost (and its request count if <paramref name="includeRequests"/>).</summary>
    void Refund(ReservationHandle handle, bool includeRequests = false);

    /// <summary>Adds usage outside admission (seeding calendar and total caps from the usage store).</summary>
    void AddLimitUsage(string scope, LimitMeter meter, LimitWindow window, decimal amount, CalendarSettings calendar, DateTimeOffset now);

    /// <summary>Usage currently counted for a (scope, meter, window), for showing remaining limits.</summary>
    decimal GetLimitUsage(string scope, LimitMeter meter, LimitWindow window, CalendarSettings calendar, DateTimeOffset now);

    /// <summary>Takes a concurrency slot if fewer than <paramref name="max"/> are held and nobody is queued.</summary>
    bool TryAcquireSlot(string scope, int max);

    /// <summary>Ends a slot from <see cref="TryAcquireSlot"/> or an <see cref="SlotOutcome.Acquired"/> wait; hands it to the next waiter.</summary>
    void ReleaseSlot(string scope);

    /// <summary>
    /// Takes a slot, or waits in a FIFO queue of at most <paramref name="queueSize"/> for up to <paramref name="timeout"/>.
    /// Refuses at once when the queue is full. Never completes with <see cref="SlotOutcome.Acquired"/> without a slot held.
    /// </summary>
    ValueTask<SlotOutcome> WaitForSlotAsync(string scope, int max, int queueSize, TimeSpan timeout, CancellationToken cancellationToken);

    int GetSlotsInFlight(string scope);
}
