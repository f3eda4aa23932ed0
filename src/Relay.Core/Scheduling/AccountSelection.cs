using Relay.Core.Snapshots;

namespace Relay.Core.Scheduling;

/// <summary>Why no account could be chosen; mapped to a status code by the caller's wire format.</summary>
public enum NoAccountReason
{
    /// <summary>No enabled account of the platform serves the requested model.</summary>
    ModelNotServed,

    /// <summary>Accounts serve the model but all are cooling, in error or at their concurrency limit.</summary>
    AllBusyOrCooling,

    /// <summary>Every account that serves the model has already been tried for this request.</summary>
    AllTried,

    /// <summary>The available accounts refused the request on their own request, token or cost limits.</summary>
    AccountLimits,
}

/// <summary>
/// The outcome of one scheduling decision: a leased account with its limit reservation (settle or refund it
/// exactly once), or why there is none.
/// </summary>
public readonly record struct AccountSelection(AccountEntry? Account, bool Sticky, NoAccountReason Reason, Recovery Recovery, Limits.ReservationHandle? Reservation)
{
    public TimeSpan? RetryAfter => Recovery.After;

    public static AccountSelection Chosen(AccountEntry account, bool sticky, Limits.ReservationHandle reservation) => new(account, sticky, default, default, reservation);

    public static AccountSelection None(NoAccountReason reason, Recovery recovery) => new(null, false, reason, recovery, null);
}

/// <summary>
/// When the first account serving a model should be usable again, and why it is out now
/// (null kind: it is only at its concurrency limit). Lets a refusal say 429 when the pool is
/// rate limited and 529 when it is merely busy.
/// </summary>
public readonly record struct Recovery(TimeSpan? After, Relay.Core.State.FailureKind? Kind);
