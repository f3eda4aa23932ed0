using Relay.Server.Control;
using Relay.Server.Control.Prices;

namespace Relay.Server.Cli;

/// <summary><c>relay prices list|set MODEL --input … --output … --cache-write-5m … --cache-write-1h … --cache-read …|unset MODEL</c>.</summary>
internal static class PriceCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> SetFlags = new()
    {
        ["--input"] = FlagKind.Value,
        ["--output"] = FlagKind.Value,
        ["--cache-write-5m"] = FlagKind.Value,
        ["--cache-write-1h"] = FlagKind.Value,
        ["--cache-read"] = FlagKind.Value,
    };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        switch (verb)
        {
            case "list":
                CliArgs.Parse("prices list", args, NoFlags).Require();
                return async (services, console, ct) =>
                    console.Json(new ItemList<PriceView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "set":
                {
                    var parsed = CliArgs.Parse("prices set", args, SetFlags);
                    var model = parsed.Require("MODEL")[0];
                    var missing = SetFlags.Keys.Where(flag => !parsed.Has(flag)).ToList();
                    if (missing.Count > 0)
                    {
                        throw new CliUsageException($"'prices set' needs every price (USD per million tokens); missing {string.Join(", ", missing)}.");
                    }

                    var input = new PriceInput
                    {
                        Input = parsed.Decimal("--input"),
                        Output = parsed.Decimal("--output"),
                        CacheWrite5m = parsed.Decimal("--cache-write-5m"),
                        CacheWrite1h = parsed.Decimal("--cache-write-1h"),
                        CacheRead = parsed.Decimal("--cache-read"),
                    };
                    return async (services, console, ct) => console.Write(await Service(services).SetAsync(model, input, ct).ConfigureAwait(false));
                }

            case "unset":
                {
                    var model = CliArgs.Parse("prices unset", args, NoFlags).Require("MODEL")[0];
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).RemoveOverrideAsync(model, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Override removed for {model}.");
                        return CliConsole.Success;
                    };
                }

            default:
                throw new CliUsageException($"Unknown command 'prices {verb}'. Use list, set or unset.");
        }
    }

    private static PriceService Service(IServiceProvider services) => services.GetRequiredService<PriceService>();
}
