using Relay.Core.Storage;
using Relay.Server.Control;
using Relay.Server.Control.Sessions;
using Relay.Server.Hosting;

namespace Relay.Server.Cli;

/// <summary>
/// <c>relay admin rotate-token</c>: replaces the stored admin token and prints the new one once.
/// <c>relay admin users add|list|set-password|remove</c>: the admin users who sign in (see <see cref="AdminUserService"/>).
/// </summary>
internal static class AdminCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];
    private static readonly Dictionary<string, FlagKind> PasswordFlag = new() { ["--password"] = FlagKind.Value };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        if (verb == "users")
        {
            return ParseUsers(args);
        }

        if (verb != "rotate-token")
        {
            throw new CliUsageException($"Unknown command 'admin {verb}'. Use rotate-token or users.");
        }

        CliArgs.Parse("admin rotate-token", args, new Dictionary<string, FlagKind>()).Require();
        return async (services, console, ct) =>
        {
            if (!string.IsNullOrEmpty(services.GetRequiredService<RelayOptions>().AdminToken))
            {
                console.Note("Warning: RELAY_ADMIN_TOKEN is set; while it is, the server uses it and ignores the stored token.");
            }

            var token = await services.GetRequiredService<AdminToken>()
                .RotateAsync(services.GetRequiredService<IConfigStore>(), ct).ConfigureAwait(false);

            // Plain text, not JSON: the one value a script wants to capture. A running server switches to it within about a second.
            console.Output.WriteLine(token);
            console.Note("New admin token printed above; it is shown only now. The previous token stops working within about a second.");
            return CliConsole.Success;
        };
    }

    private static CliAction ParseUsers(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new CliUsageException("'admin users' needs a subcommand: add, list, set-password or remove.");
        }

        var sub = args[0];
        var rest = args.Skip(1).ToList();
        var command = $"admin users {sub}";
        switch (sub)
        {
            case "list":
                CliArgs.Parse(command, rest, NoFlags).Require();
                return async (services, console, ct) => console.Json(new ItemList<AdminUserView>(await Service(services).ListAsync(ct).ConfigureAwait(false)));

            case "add":
                {
                    var parsed = CliArgs.Parse(command, rest, PasswordFlag);
                    var name = parsed.Require("NAME")[0];
                    var password = parsed.String("--password");
                    return async (services, console, ct) =>
                    {
                        var outcome = await Service(services).AddAsync(name, await ReadPasswordAsync(password, console).ConfigureAwait(false), ct).ConfigureAwait(false);
                        if (outcome.Error is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Json(outcome.Value.View);
                        NoteGenerated(console, outcome.Value.Generated);
                        return CliConsole.Success;
                    };
                }

            case "set-password":
                {
                    var parsed = CliArgs.Parse(command, rest, PasswordFlag);
                    var name = parsed.Require("NAME")[0];
                    var password = parsed.String("--password");
                    return async (services, console, ct) =>
                    {
                        var outcome = await Service(services).SetPasswordAsync(name, await ReadPasswordAsync(password, console).ConfigureAwait(false), ct).ConfigureAwait(false);
                        if (outcome.Error is { } error)
                        {
                            return console.Fail(error);
                        }

                        NoteGenerated(console, outcome.Value);
                        console.Note($"Password of '{name}' replaced; their sessions are signed out.");
                        return CliConsole.Success;
                    };
                }

            case "remove":
                {
                    var name = CliArgs.Parse(command, rest, NoFlags).Require("NAME")[0];
                    return async (services, console, ct) =>
                    {
                        if (await Service(services).RemoveAsync(name, ct).ConfigureAwait(false) is { } error)
                        {
                            return console.Fail(error);
                        }

                        console.Note($"Removed admin user '{name}' and signed out their sessions.");
                        return CliConsole.Success;
                    };
                }

            default:
                throw new CliUsageException($"Unknown command 'admin users {sub}'. Use add, list, set-password or remove.");
        }
    }

    private static AdminUserService Service(IServiceProvider services) => services.GetRequiredService<AdminUserService>();

    /// <summary><c>--password -</c> reads it from stdin (out of shell history and the process list); no flag means "generate one".</summary>
    private static async Task<string?> ReadPasswordAsync(string? password, CliConsole console)
    {
        if (password != "-")
        {
            return password;
        }

        var line = await console.Input.ReadLineAsync().ConfigureAwait(false);
        return line?.TrimEnd('\r', '\n') ?? "";
    }

    /// <summary>A generated password goes to stderr as a note, once; stdout stays the JSON a script parses.</summary>
    private static void NoteGenerated(CliConsole console, string? generated)
    {
        if (generated is not null)
        {
            console.Note($"Generated password (shown only now): {generated}");
        }
    }
}
