using Relay.Server.Control;
using Relay.Server.Control.Policies;

namespace Relay.Server.Cli;

/// <summary><c>relay policies list|show|create|update|delete</c>, through <see cref="PolicyService"/> like the API.</summary>
internal static class PolicyCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> FieldFlags = PolicyFlags.With(new Dictionary<string, FlagKind>
    {
        ["--name"] = FlagKind.Value,
        ["--description"] = FlagKind.Value,
        ["--limit"] = FlagKind.List,
    });

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        var command = $"policies {verb}";
        switch (verb)
        {
            case "list":
                CliArgs.Parse(command, args, NoFlags).Require();
                return async (services, console, ct) => console.Json(new ItemList<PolicyView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "show" or "get":
                {
                    var id = CliArgs.Parse(command, args, NoFlags).Require("ID")[0];
                    return async (services, console, ct) => console.Write(await Service(services).GetAsync(id, ct).ConfigureAwait(false));
                }

            case "create":
                {
                    var parsed = CliArgs.Parse(command, args, FieldFlags);
                    parsed.Require();
                    if (!parsed.Has("--name"))
                    {
                        throw new CliUsageException("'policies create' needs --name.");
                    }

                    var input = ToInput(parsed) with { Policy = PolicyFlags.Overlay(parsed, current: null) };
                    return async (services, console, ct) => console.Write(await Service(services).CreateAsync(input, ct).ConfigureAwait(false));
                }

            case "update":
                {
                    var parsed = CliArgs.Parse(command, args, FieldFlags);
                    var id = parsed.Require("ID")[0];
                    var input = ToInput(parsed);
                    _ = PolicyFlags.Overlay(parsed, current: null);
                    return async (services, console, ct) =>
                    {
                        // Policy flags refine the stored policy rather than replace it.
                        var current = await Service(services).GetAsync(id, ct).ConfigureAwait(false);
                        if (current.Error is { } missing)
                        {
                            return console.Fail(missing);
                        }

                        var refined = input with { Policy = PolicyFlags.Overlay(parsed, current.Value!.Policy) };
                        return console.Write(await Service(services).UpdateAsync(id, refined, ct).ConfigureAwait(false));
                    };
                }

            case "delete":
                {
                    var id = CliArgs.Parse(command, args, NoFlags).Require("ID")[0];
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).DeleteAsync(id, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Deleted policy {id}.");
                        return CliConsole.Success;
                    };
                }

            default:
                throw new CliUsageException($"Unknown command 'policies {verb}'. Use list, show, create, update or delete.");
        }
    }

    private static PolicyService Service(IServiceProvider services) => services.GetRequiredService<PolicyService>();

    private static PolicyInput ToInput(CliArgs parsed)
    {
        var description = parsed.String("--description");
        return new PolicyInput
        {
            Name = parsed.String("--name"),
            Description = description is null ? null : CliValues.OrNone(description),
            DescriptionGiven = description is not null,
            Limits = parsed.List("--limit") is { } limits ? CliValues.Limits("--limit", limits) : null,
        };
    }
}
