using Relay.Protocols.RateLimits;

namespace Relay.Core.State;

/// <summary>The latest usage-window report an account's upstream sent, and when it arrived.</summary>
public sealed record ObservedUsageWindows(UsageWindowReport Report, DateTimeOffset ObservedAt);
