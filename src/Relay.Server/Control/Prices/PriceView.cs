using Relay.Core.Pricing;

namespace Relay.Server.Control.Prices;

/// <summary>One model's prices and whether they are the shipped ones or an operator override.</summary>
internal sealed record PriceView(string Model, decimal Input, decimal Output, decimal CacheWrite5m, decimal CacheWrite1h, decimal CacheRead, string Source)
{
    public const string Shipped = "shipped";
    public const string Override = "override";

    public static PriceView From(ModelPrice price, string source) =>
        new(price.Model, price.Input, price.Output, price.CacheWrite5m, price.CacheWrite1h, price.CacheRead, source);
}
