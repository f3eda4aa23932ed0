using Relay.Core.Pricing;
using Relay.Core.Snapshots;
using Relay.Core.Storage;

namespace Relay.Server.Control.Prices;

/// <summary>Price table operations shared by the Control API and the CLI.</summary>
internal sealed class PriceService(IConfigStore store, SnapshotManager snapshots, ILogger<PriceService> logger)
{
    public const int MaxModelLength = 200;

    /// <summary>
    /// The effective table. Composed from the shipped table and the store's overrides (the same
    /// composition the snapshot uses) so the answer is current even before a poll has rebuilt the snapshot.
    /// </summary>
    public async Task<IReadOnlyList<PriceView>> ListAsync(CancellationToken cancellationToken)
    {
        var overrides = await store.ListPriceOverridesAsync(cancellationToken).ConfigureAwait(false);
        var overridden = overrides.Select(o => o.Model).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. PriceBook.Shipped.WithOverrides(overrides).All
            .OrderBy(p => p.Model, StringComparer.OrdinalIgnoreCase)
            .Select(p => PriceView.From(p, overridden.Contains(p.Model) ? PriceView.Override : PriceView.Shipped))];
    }

    public async Task<Outcome<PriceView>> SetAsync(string model, PriceInput input, CancellationToken cancellationToken)
    {
        model = model.Trim();
        if (model.Length is 0 or > MaxModelLength || model.Any(char.IsWhiteSpace))
        {
            return ControlError.Invalid($"The model name must be 1 to {MaxModelLength} characters without spaces.");
        }

        var invalid = Required(input.Input, "input") ?? Required(input.Output, "output") ?? Required(input.CacheWrite5m, "cacheWrite5m")
            ?? Required(input.CacheWrite1h, "cacheWrite1h") ?? Required(input.CacheRead, "cacheRead");
        if (invalid is not null)
        {
            return invalid;
        }

        var price = new ModelPrice
        {
            Model = model,
            Input = input.Input!.Value,
            Output = input.Output!.Value,
            CacheWrite5m = input.CacheWrite5m!.Value,
            CacheWrite1h = input.CacheWrite1h!.Value,
            CacheRead = input.CacheRead!.Value,
        };
        await store.UpsertPriceOverrideAsync(price, cancellationToken).ConfigureAwait(false);
        ControlLog.PriceSet(logger, model);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return PriceView.From(price, PriceView.Override);
    }

    /// <summary>Drops the override of <paramref name="model"/>: the shipped price applies again, or none for a model Relay does not ship.</summary>
    public async Task<ControlError?> RemoveOverrideAsync(string model, CancellationToken cancellationToken)
    {
        model = model.Trim();
        if (!await store.DeletePriceOverrideAsync(model, cancellationToken).ConfigureAwait(false))
        {
            return ControlError.NotFound($"There is no price override for '{model}' (shipped prices cannot be removed; override them with PUT).");
        }

        ControlLog.PriceRemoved(logger, model);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static ControlError? Required(decimal? value, string field) => value switch
    {
        null => ControlError.Invalid($"Field '{field}' is required (USD per million tokens)."),
        < 0 => ControlError.Invalid($"Field '{field}' must be 0 or more."),
        _ => null,
    };
}
