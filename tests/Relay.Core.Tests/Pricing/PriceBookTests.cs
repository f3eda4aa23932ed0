using Relay.Core.Pricing;
using Relay.Protocols.Usage;

namespace Relay.Core.Tests.Pricing;

public sealed class PriceBookTests
{
    [Fact]
    public void Dated_model_ids_find_their_family_price()
    {
        var price = PriceBook.Shipped.Find("claude-sonnet-4-5-20250929");
        Assert.NotNull(price);
        Assert.Equal(3m, price.Input);
        Assert.Equal(15m, price.Output);
    }

    [Fact]
    public void The_most_specific_prefix_wins()
    {
        // claude-opus-4 is a prefix of claude-opus-4-5, which has its own (lower) price.
        Assert.Equal(5m, PriceBook.Shipped.Find("claude-opus-4-5-20251101")!.Input);
        Assert.Equal(15m, PriceBook.Shipped.Find("claude-opus-4-20250514")!.Input);
    }

    [Fact]
    public void Each_token_class_is_billed_at_its_own_price()
    {
        var usage = new TokenUsage(Input: 1_000_000, Output: 1_000_000, CacheWrite5m: 1_000_000, CacheWrite1h: 1_000_000, CacheRead: 1_000_000);
        Assert.Equal(3m + 15m + 3.75m + 6m + 0.30m, PriceBook.Shipped.Cost("claude-sonnet-4-5", usage));
    }

    [Fact]
    public void Overrides_replace_shipped_prices_and_add_new_models()
    {
        var book = PriceBook.Shipped.WithOverrides([
            new ModelPrice { Model = "claude-sonnet-4-5", Input = 1, Output = 2 },
            new ModelPrice { Model = "my-local-model", Input = 0.1m, Output = 0.2m },
        ]);

        Assert.Equal(1m, book.Find("claude-sonnet-4-5-20250929")!.Input);
        Assert.Equal(0.1m, book.Find("my-local-model")!.Input);
        Assert.Equal(3m, PriceBook.Shipped.Find("claude-sonnet-4-5")!.Input);
    }

    [Fact]
    public void Unknown_models_cost_nothing_rather_than_failing()
    {
        Assert.Null(PriceBook.Shipped.Find("gpt-unknown"));
        Assert.Equal(0m, PriceBook.Shipped.Cost("gpt-unknown", new TokenUsage(10, 10, 0, 0, 0)));
    }
}
