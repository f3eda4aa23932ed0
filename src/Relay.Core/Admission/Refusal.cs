namespace Relay.Core.Admission;

/// <summary>Why admission turned a request away. Each wire format maps a kind to its status and error type.</summary>
public enum RefusalKind
{
    /// <summary>The key's policy does not allow the platform, model or client (403).</summary>
    PolicyDenied,

    /// <summary>A sliding-window rate (requests, tokens or cost per N seconds/minutes/hours) is used up (429).</summary>
    RateLimited,

    /// <summary>A daily, weekly or total budget is spent (402): retrying soon will not help.</summary>
    BudgetSpent,

    /// <summary>The key's concurrent-request limit is reached and its wait queue is full or timed out (429).</summary>
    ConcurrencyLimited,

    /// <summary>The key is bound to one account, that account cannot serve now, and the key may not use the pool (503).</summary>
    DedicatedAccountUnavailable,
}

/// <summary>A refusal with a message safe to show the caller (it names the limit, never the key) and when to retry.</summary>
public readonly record struct Refusal(RefusalKind Kind, string Message, TimeSpan? RetryAfter)
{
    /// <summary>The stable error class recorded on the usage event.</summary>
    public string ErrorClass => Kind switch
    {
        RefusalKind.PolicyDenied => "policy_denied",
        RefusalKind.RateLimited => "key_rate_limited",
        RefusalKind.BudgetSpent => "key_budget_spent",
        RefusalKind.ConcurrencyLimited => "key_concurrency_limited",
        _ => "dedicated_account_unavailable",
    };
}
