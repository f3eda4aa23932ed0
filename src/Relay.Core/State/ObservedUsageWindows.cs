using Relay.Protocols.RateLimits;

namespace Relay.Core.State;

/// <summary>The latest usage-window report an account's upstream sent, and when it arrived.</summary>
public sealed record ObservedUsageWindows(UsageWindowReport Report, DateTimeOffset ObservedAt)
{
    /// <summary>The report as the scheduler reads it, built once here rather than on every choice.</summary>
    public SubscriptionUse Use { get; } = SubscriptionUse.Of(Report, ObservedAt);
}
