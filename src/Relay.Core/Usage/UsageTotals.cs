namespace Relay.Core.Usage;

/// <summary>Aggregated usage for one group value (see <see cref="UsageGrouping"/>); <c>""</c> when not grouped.</summary>
public sealed record UsageTotals
{
    public static UsageTotals Empty { get; } = new() { Group = "" };

    public required string Group { get; init; }
    public long Requests { get; init; }
    public long Errors { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheWrite5mTokens { get; init; }
    public long CacheWrite1hTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public decimal Cost { get; init; }

    /// <summary>Every token class added up: what a "tokens" limit meters.</summary>
    public long TotalTokens => InputTokens + OutputTokens + CacheWrite5mTokens + CacheWrite1hTokens + CacheReadTokens;
}
