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
    public static AccountStatus Fresh => new(AccountHealth.Active, null, null, 0, 0);
}
