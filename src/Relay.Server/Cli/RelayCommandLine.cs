using Relay.Server.Hosting;

namespace Relay.Server.Cli;

/// <summary>
/// Entry point: with no verb (no arguments, or only <c>--settings</c>), run the server; with a verb
/// (<c>relay accounts add …</c>), run that command against the data directory and exit.
/// </summary>
internal static class RelayCommandLine
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.In, Console.Out, Console.Error);

    /// <summary>Tests pass their own writers so verbs can run in parallel in one process.</summary>
    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(input, output, error);
        GlobalOptions globals;
        CliAction? action;
        try
        {
            globals = GlobalOptions.Extract(args);
            if (!IsServer(globals.Rest) && globals.Rest[0] is "help" or "--help" or "-h")
            {
                output.WriteLine(HelpText.Text);
                return CliConsole.Success;
            }

            action = IsServer(globals.Rest) ? null : Parse(globals.Rest);
        }
        catch (CliUsageException ex)
        {
            console.Note($"relay: {ex.Message}");
            console.Note("Run 'relay help' for usage.");
            return CliConsole.UsageError;
        }

        if (action is null)
        {
            // The server sees the normalised settings, so --data-dir works for it too.
            var app = await RelayApp.BuildAsync([.. globals.ConfigArgs, .. globals.Rest]).ConfigureAwait(false);
            await app.RunAsync().ConfigureAwait(false);
            return CliConsole.Success;
        }

        return await RunVerbAsync(action, globals, console, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsServer(IReadOnlyList<string> rest) =>
        rest.Count == 0 || (rest[0].StartsWith("--", StringComparison.Ordinal) && rest[0] != "--help");

    private static CliAction Parse(IReadOnlyList<string> rest)
    {
        var verb = rest[0];
        if (verb == "usage")
        {
            return UsageCommand.Parse([.. rest.Skip(1)]);
        }

        if (verb is not ("accounts" or "keys" or "groups" or "policies" or "settings" or "prices" or "admin"))
        {
            throw new CliUsageException($"Unknown command '{verb}'.");
        }

        if (rest.Count < 2 || rest[1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new CliUsageException($"'{verb}' needs a subcommand.");
        }

        var sub = rest[1];
        var args = rest.Skip(2).ToList();
        return verb switch
        {
            "accounts" => AccountCommands.Parse(sub, args),
            "keys" => KeyCommands.Parse(sub, args),
            "groups" => GroupCommands.Parse(sub, args),
            "policies" => PolicyCommands.Parse(sub, args),
            "settings" => SettingsCommands.Parse(sub, args),
            "prices" => PriceCommands.Parse(sub, args),
            _ => AdminCommands.Parse(sub, args),
        };
    }

    private static async Task<int> RunVerbAsync(CliAction action, GlobalOptions globals, CliConsole console, CancellationToken cancellationToken)
    {
        try
        {
            var options = CliHost.ReadOptions(globals.ConfigArgs);
            await using var services = await CliHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            return await action(services, console, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A CLI should end with a readable line, not a stack trace; the message never holds a secret we were given.
            console.Note($"relay: {ex.GetType().Name}: {ex.Message}");
            return CliConsole.Failure;
        }
    }
}
