using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using Relay.Protocols.Usage;

namespace Relay.Core.Pricing;

/// <summary>
/// Model prices: the shipped table with operator overrides laid over it. Lookup is by exact
/// model id first, then by the longest entry that is a prefix of the id, so dated snapshots
/// (<c>claude-sonnet-4-5-20250929</c>) find their family's price.
/// </summary>
public sealed class PriceBook
{
    private readonly FrozenDictionary<string, ModelPrice> _byModel;

    // Longest first, so the first prefix that matches is the most specific.
    private readonly ModelPrice[] _byPrefixLength;

    public PriceBook(IEnumerable<ModelPrice> prices)
    {
        var merged = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var price in prices)
        {
            merged[price.Model] = price;
        }

        _byModel = merged.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _byPrefixLength = [.. merged.Values.OrderByDescending(p => p.Model.Length)];
    }

    /// <summary>The prices shipped with this build.</summary>
    public static PriceBook Shipped { get; } = new(LoadShipped());

    public IReadOnlyCollection<ModelPrice> All => _byModel.Values;

    /// <summary>Shipped prices with <paramref name="overrides"/> replacing or adding entries.</summary>
    public PriceBook WithOverrides(IEnumerable<ModelPrice> overrides) => new(_byModel.Values.Concat(overrides));

    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        if (_byModel.TryGetValue(model, out var exact))
        {
            return exact;
        }

        foreach (var price in _byPrefixLength)
        {
            if (model.StartsWith(price.Model, StringComparison.OrdinalIgnoreCase))
            {
                return price;
            }
        }

        return null;
    }

    /// <summary>Cost in USD; zero for a model without a price (recorded tokens still tell the story).</summary>
    public decimal Cost(string? model, TokenUsage usage)
    {
        if (Find(model) is not { } p)
        {
            return 0m;
        }

        return (usage.Input * p.Input
              + usage.Output * p.Output
              + usage.CacheWrite5m * p.CacheWrite5m
              + usage.CacheWrite1h * p.CacheWrite1h
              + usage.CacheRead * p.CacheRead) / 1_000_000m;
    }

    /// <summary>What <paramref name="inputTokens"/> of prompt cost on <paramref name="model"/>: the estimate reserved against cost limits.</summary>
    public decimal InputCost(string? model, decimal inputTokens) =>
        Find(model) is { } p ? inputTokens * p.Input / 1_000_000m : 0m;

    private static List<ModelPrice> LoadShipped()
    {
        using var stream = typeof(PriceBook).Assembly.GetManifestResourceStream("Relay.Core.Pricing.prices.json")
            ?? throw new InvalidOperationException("The shipped price table is missing from the build.");
        var file = JsonSerializer.Deserialize(stream, PriceFileJsonContext.Default.PriceFile)
            ?? throw new InvalidOperationException("The shipped price table is empty.");
        return file.Models;
    }
}

internal sealed record PriceFile(List<ModelPrice> Models);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PriceFile))]
internal sealed partial class PriceFileJsonContext : JsonSerializerContext;
