namespace Relay.Core.State;

/// <summary>Live health of an account as shown to operators.</summary>
public enum AccountHealth
{
    Active,
    Cooling,
    Error,
}

/// <summary>A point-in-time view of an account's live state.</summary>
public readonly record struct AccountStatus(
    AccountHealth Health,
    DateTimeOffset? Until,
    string? Reason,
    int InFlight,
    int ConsecutiveFailures,
    FailureKind? CoolingKind = null)
{
    /// <summary>The most recent failed attempt, whatever the health is now; null when none since start or the last reset.</summary>
    public AccountError? LastError { get; init; }

    public static AccountStatus Fresh => new(AccountHealth.Active, null, null, 0, 0);
}
