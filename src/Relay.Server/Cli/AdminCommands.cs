using Relay.Core.Storage;
using Relay.Server.Hosting;

namespace Relay.Server.Cli;

/// <summary><c>relay admin rotate-token</c>: replaces the stored admin token and prints the new one once.</summary>
internal static class AdminCommands
{
    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        if (verb != "rotate-token")
        {
            throw new CliUsageException($"Unknown command 'admin {verb}'. Use rotate-token.");
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
}
