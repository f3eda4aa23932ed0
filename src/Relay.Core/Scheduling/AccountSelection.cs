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
}

/// <summary>The outcome of one scheduling decision: a leased account, or why there is none.</summary>
public readonly record struct AccountSelection(AccountEntry? Account, bool Sticky, NoAccountReason Reason, TimeSpan? RetryAfter)
{
    public static AccountSelection Chosen(AccountEntry account, bool sticky) => new(account, sticky, default, null);

    public static AccountSelection None(NoAccountReason reason, TimeSpan? retryAfter) => new(null, false, reason, retryAfter);
}
