using System.Globalization;
using Relay.Core.Pricing;

namespace Relay.Storage.Sqlite;

/// <summary>
/// One <c>price_overrides</c> row. Prices are decimal text in invariant culture: SQLite's REAL is a
/// double and would turn 0.3 into 0.299999…, while text round-trips value and scale exactly.
/// </summary>
internal sealed class PriceRow
{
    public const string Columns =
        "model AS Model, input AS Input, output AS Output, cache_write_5m AS CacheWrite5m, " +
        "cache_write_1h AS CacheWrite1h, cache_read AS CacheRead";

    public string Model { get; set; } = "";
    public string Input { get; set; } = "0";
    public string Output { get; set; } = "0";
    public string CacheWrite5m { get; set; } = "0";
    public string CacheWrite1h { get; set; } = "0";
    public string CacheRead { get; set; } = "0";

    public static PriceRow From(ModelPrice price) => new()
    {
        Model = price.Model,
        Input = Format(price.Input),
        Output = Format(price.Output),
        CacheWrite5m = Format(price.CacheWrite5m),
        CacheWrite1h = Format(price.CacheWrite1h),
        CacheRead = Format(price.CacheRead),
    };

    public ModelPrice ToRecord() => new()
    {
        Model = Model,
        Input = Parse(Input),
        Output = Parse(Output),
        CacheWrite5m = Parse(CacheWrite5m),
        CacheWrite1h = Parse(CacheWrite1h),
        CacheRead = Parse(CacheRead),
    };

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
