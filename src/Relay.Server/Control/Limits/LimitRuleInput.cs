namespace Relay.Server.Control.Limits;

/// <summary>
/// A limit rule as the Control API takes it: <c>{ "meter": "cost", "window": "1d", "max": 5 }</c> or
/// <c>{ "meter": "concurrency", "max": 3, "queue": { "size": 10, "timeout": "10s" } }</c>. Every member is
/// nullable so that a forgotten <c>max</c> is an error naming it, not a silent 0 (a limit of 0 refuses everything).
/// Views show the same shape through <see cref="Relay.Core.Limits.LimitRuleSpec"/>.
/// </summary>
internal sealed record LimitRuleInput
{
    /// <summary><c>requests</c>, <c>tokens</c>, <c>cost</c> or <c>concurrency</c>.</summary>
    public string? Meter { get; init; }

    /// <summary>"60s", "5m", "5h" (sliding), "1d", "1w" (calendar) or "total"; none for concurrency.</summary>
    public string? Window { get; init; }

    public decimal? Max { get; init; }

    /// <summary>Key concurrency rules only: how many requests may wait for a slot, and for how long.</summary>
    public LimitQueueInput? Queue { get; init; }
}

internal sealed record LimitQueueInput
{
    public int? Size { get; init; }

    /// <summary>A duration such as "10s"; at most "5m".</summary>
    public string? Timeout { get; init; }
}
