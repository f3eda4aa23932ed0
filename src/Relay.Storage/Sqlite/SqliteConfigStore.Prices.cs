using Relay.Core.Pricing;

namespace Relay.Storage.Sqlite;

public sealed partial class SqliteConfigStore
{
    public Task<IReadOnlyList<ModelPrice>> ListPriceOverridesAsync(CancellationToken cancellationToken = default) =>
        ListAsync<PriceRow, ModelPrice>($"SELECT {PriceRow.Columns} FROM price_overrides ORDER BY model", row => row.ToRecord(), cancellationToken);

    public Task UpsertPriceOverrideAsync(ModelPrice price, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(price);
        return MutateAsync(
            """
            INSERT INTO price_overrides (model, input, output, cache_write_5m, cache_write_1h, cache_read)
            VALUES (@Model, @Input, @Output, @CacheWrite5m, @CacheWrite1h, @CacheRead)
            ON CONFLICT (model) DO UPDATE SET input = excluded.input, output = excluded.output,
                cache_write_5m = excluded.cache_write_5m, cache_write_1h = excluded.cache_write_1h, cache_read = excluded.cache_read
            """,
            PriceRow.From(price),
            cancellationToken);
    }

    public Task<bool> DeletePriceOverrideAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MutateAsync("DELETE FROM price_overrides WHERE model = @Model", new { Model = model }, cancellationToken);
    }
}
