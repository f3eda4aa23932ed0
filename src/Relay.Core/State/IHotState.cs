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

    /// <summary>Records a good answer: clears failures and closes the breaker.</summary>
    void ReportSuccess(string accountId);

    /// <summary>Records a failed attempt and cools the account according to <see cref="CoolingPolicy"/>.</summary>
    void ReportFailure(string accountId, FailureKind kind, TimeSpan? upstreamHint, string reason, DateTimeOffset now);

    /// <summary>Operator action: forget errors and cooldowns of the account.</summary>
    void Reset(string accountId);

    AccountStatus GetStatus(string accountId, DateTimeOffset now);

    /// <summary>The account a conversation was last served by, if the mapping has not expired.</summary>
    string? GetSticky(string sessionKey, DateTimeOffset now);

    void SetSticky(string sessionKey, string accountId, TimeSpan ttl, DateTimeOffset now);
}
