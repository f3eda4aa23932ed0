using Relay.Server.Control;
using Relay.Server.Control.Keys;

namespace Relay.Server.Cli;

/// <summary><c>relay keys create|list|get|update|delete|rotate</c>, through <see cref="KeyService"/> like the API.</summary>
internal static class KeyCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> CreateFlags = new()
    {
        ["--name"] = FlagKind.Value,
        ["--expires-at"] = FlagKind.Value,
        ["--disabled"] = FlagKind.Switch,
    };

    private static readonly Dictionary<string, FlagKind> UpdateFlags = new()
    {
        ["--name"] = FlagKind.Value,
        ["--expires-at"] = FlagKind.Value,
        ["--enabled"] = FlagKind.OptionalBool,
        ["--disabled"] = FlagKind.Switch,
    };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        var command = $"keys {verb}";
        switch (verb)
        {
            case "create":
                {
                    var parsed = CliArgs.Parse(command, args, CreateFlags);
                    parsed.Require();
                    if (!parsed.Has("--name"))
                    {
                        throw new CliUsageException("'keys create' needs --name.");
                    }

                    var input = ToInput(parsed);
                    return async (services, console, ct) => console.Write(await Service(services).CreateAsync(input, ct).ConfigureAwait(false));
                }

            case "list":
                CliArgs.Parse(command, args, NoFlags).Require();
                return async (services, console, ct) => console.Json(new ItemList<KeyView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "get":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) => console.Write(await Service(services).GetAsync(id, ct).ConfigureAwait(false));
                }

            case "update":
                {
                    var (id, parsed) = Id(command, args, UpdateFlags);
                    var input = ToInput(parsed);
                    return async (services, console, ct) => console.Write(await Service(services).UpdateAsync(id, input, ct).ConfigureAwait(false));
                }

            case "delete":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).DeleteAsync(id, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Deleted key {id}.");
                        return CliConsole.Success;
                    };
                }

            case "rotate":
                {
                    var id = Id(command, args, NoFlags).Id;
                    return async (services, console, ct) => console.Write(await Service(services).RotateAsync(id, ct).ConfigureAwait(false));
                }

            default:
                throw new CliUsageException($"Unknown command 'keys {verb}'. Use create, list, get, update, delete or rotate.");
        }
    }

    private static KeyService Service(IServiceProvider services) => services.GetRequiredService<KeyService>();

    private static (string Id, CliArgs Parsed) Id(string command, IReadOnlyList<string> args, Dictionary<string, FlagKind> flags)
    {
        var parsed = CliArgs.Parse(command, args, flags);
        return (parsed.Require("ID")[0], parsed);
    }

    private static KeyInput ToInput(CliArgs parsed)
    {
        if (parsed.Has("--enabled") && parsed.Has("--disabled"))
        {
            throw new CliUsageException("Give --enabled or --disabled, not both.");
        }

        var expires = parsed.String("--expires-at");
        return new KeyInput
        {
            Name = parsed.String("--name"),
            Enabled = parsed.Has("--disabled") ? false : parsed.Bool("--enabled"),
            ExpiresAt = expires is null ? null : CliValues.Expiry("--expires-at", expires),
            ExpiresAtGiven = expires is not null,
        };
    }
}
