namespace Relay.Server.Control.Prices;

/// <summary>The body of <c>PUT /api/prices/{model}</c>: USD per million tokens, every class required.</summary>
internal sealed record PriceInput
{
    public decimal? Input { get; init; }
    public decimal? Output { get; init; }
    public decimal? CacheWrite5m { get; init; }
    public decimal? CacheWrite1h { get; init; }
    public decimal? CacheRead { get; init; }
}
