using Relay.Server.Control;
using Relay.Server.Control.Groups;

namespace Relay.Server.Cli;

/// <summary><c>relay groups list|show|create|update|delete</c>, through <see cref="GroupService"/> like the API.</summary>
internal static class GroupCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> FieldFlags = new()
    {
        ["--name"] = FlagKind.Value,
        ["--description"] = FlagKind.Value,
        ["--accounts"] = FlagKind.List,
    };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        var command = $"groups {verb}";
        switch (verb)
        {
            case "list":
                CliArgs.Parse(command, args, NoFlags).Require();
                return async (services, console, ct) => console.Json(new ItemList<GroupView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

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
                        throw new CliUsageException("'groups create' needs --name.");
                    }

                    var input = ToInput(parsed);
                    return async (services, console, ct) => console.Write(await Service(services).CreateAsync(input, ct).ConfigureAwait(false));
                }

            case "update":
                {
                    var parsed = CliArgs.Parse(command, args, FieldFlags);
                    var id = parsed.Require("ID")[0];
                    var input = ToInput(parsed);
                    return async (services, console, ct) => console.Write(await Service(services).UpdateAsync(id, input, ct).ConfigureAwait(false));
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

                        console.Note($"Deleted group {id}.");
                        return CliConsole.Success;
                    };
                }

            default:
                throw new CliUsageException($"Unknown command 'groups {verb}'. Use list, show, create, update or delete.");
        }
    }

    private static GroupService Service(IServiceProvider services) => services.GetRequiredService<GroupService>();

    /// <summary><c>--description none</c> removes the description; <c>--accounts</c> with no ids empties the group.</summary>
    private static GroupInput ToInput(CliArgs parsed)
    {
        var description = parsed.String("--description");
        return new GroupInput
        {
            Name = parsed.String("--name"),
            Description = description is null ? null : CliValues.OrNone(description),
            DescriptionGiven = description is not null,
            Accounts = parsed.List("--accounts") is { } accounts ? CliValues.Items(accounts) : null,
        };
    }
}
