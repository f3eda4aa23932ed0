namespace Relay.Core.Limits;

/// <summary>What a limit rule counts.</summary>
public enum LimitMeter
{
    /// <summary>One per admitted request.</summary>
    Requests,

    /// <summary>Tokens: reserved from an estimate, settled with the real count.</summary>
    Tokens,

    /// <summary>Money (in the price table's currency): reserved from an estimate, settled with the real cost.</summary>
    Cost,

    /// <summary>Requests in flight at once. Enforced with slots, never through a window.</summary>
    Concurrency,
}
