namespace Relay.Core.Usage;

public enum UsageGrouping { Key, Account, Model, Day }

public sealed record UsageQuery(DateTimeOffset? From, DateTimeOffset? To, UsageGrouping GroupBy);

/// <summary>Aggregated usage for one group value (a key id, account id, model name or UTC day yyyy-MM-dd).</summary>
public sealed record UsageTotals
{
    public required string Group { get; init; }
    public long Requests { get; init; }
    public long Errors { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheWrite5mTokens { get; init; }
    public long CacheWrite1hTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public decimal Cost { get; init; }
}
