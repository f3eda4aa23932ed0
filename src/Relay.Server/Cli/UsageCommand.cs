namespace Relay.Server.Cli;

/// <summary><c>relay usage [--from T] [--to T] [--group-by key|account|model|day]</c>: the <c>GET /api/usage</c> report.</summary>
internal static class UsageCommand
{
    private static readonly Dictionary<string, FlagKind> Flags = new()
    {
        ["--from"] = FlagKind.Value,
        ["--to"] = FlagKind.Value,
        ["--group-by"] = FlagKind.Value,
    };

    public static CliAction Parse(IReadOnlyList<string> args)
    {
        var parsed = CliArgs.Parse("usage", args, Flags);
        parsed.Require();
        var (from, to, groupBy) = (parsed.String("--from"), parsed.String("--to"), parsed.String("--group-by"));

        // Events still queued in a running server are not visible here until it writes them (within about a second).
        return async (services, console, ct) =>
            console.Write(await services.GetRequiredService<Control.Usage.UsageService>().QueryAsync(from, to, groupBy, ct).ConfigureAwait(false));
    }
}
