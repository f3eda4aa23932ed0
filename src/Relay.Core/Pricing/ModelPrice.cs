namespace Relay.Core.Pricing;

/// <summary>USD per million tokens for each token class of one model (or model-name prefix).</summary>
public sealed record ModelPrice
{
    public required string Model { get; init; }
    public decimal Input { get; init; }
    public decimal Output { get; init; }
    public decimal CacheWrite5m { get; init; }
    public decimal CacheWrite1h { get; init; }
    public decimal CacheRead { get; init; }
}
