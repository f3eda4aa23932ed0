namespace Relay.Protocols.Usage;

/// <summary>Token counts of one request, by class. Cache writes are split by TTL because they are priced differently.</summary>
public readonly record struct TokenUsage(
    long Input,
    long Output,
    long CacheWrite5m,
    long CacheWrite1h,
    long CacheRead)
{
    public long Total => Input + Output + CacheWrite5m + CacheWrite1h + CacheRead;
}
