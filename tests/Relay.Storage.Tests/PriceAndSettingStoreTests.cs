using Relay.Core.Pricing;

namespace Relay.Storage.Tests;

public sealed class PriceAndSettingStoreTests
{
    [Fact]
    public async Task Price_overrides_round_trip_decimals_exactly_including_scale()
    {
        using var db = await TempDatabase.CreateAsync();
        var price = new ModelPrice
        {
            Model = "claude-sonnet-4-5",
            Input = 3.00m,
            Output = 0.1m + 0.2m,
            CacheWrite5m = 3.75m,
            CacheWrite1h = 1234567890.123456789012345678m,
            CacheRead = 0.000000000000000001m,
        };

        await db.Config.UpsertPriceOverrideAsync(price);
        var read = Assert.Single(await db.Config.ListPriceOverridesAsync());

        Assert.Equal(price, read);
        Assert.Equal("3.00", read.Input.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0.3m, read.Output);
    }

    [Fact]
    public async Task Upsert_replaces_the_override_for_the_same_model()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.UpsertPriceOverrideAsync(new ModelPrice { Model = "b", Input = 1m });
        await db.Config.UpsertPriceOverrideAsync(new ModelPrice { Model = "a", Input = 2m });
        await db.Config.UpsertPriceOverrideAsync(new ModelPrice { Model = "b", Input = 5m, Output = -0.5m });

        var list = await db.Config.ListPriceOverridesAsync();

        Assert.Equal(["a", "b"], list.Select(p => p.Model));
        Assert.Equal(5m, list[1].Input);
        Assert.Equal(-0.5m, list[1].Output);
    }

    [Fact]
    public async Task Settings_are_null_until_set_and_then_overwritten()
    {
        using var db = await TempDatabase.CreateAsync();

        Assert.Null(await db.Config.GetSettingAsync("admin_token_sha256"));
        await db.Config.SetSettingAsync("admin_token_sha256", "abc");
        await db.Config.SetSettingAsync("admin_token_sha256", "def");
        await db.Config.SetSettingAsync("other", "");

        Assert.Equal("def", await db.Config.GetSettingAsync("admin_token_sha256"));
        Assert.Equal("", await db.Config.GetSettingAsync("other"));
    }
}
