using Relay.Server.Control.Usage;

namespace Relay.Server.Cli;

/// <summary>
/// <c>relay usage [--from T] [--to T] [--group-by …] [filters]</c>, the <c>GET /api/usage</c> report, and
/// <c>relay usage series [--bucket hour|day] [--from T] [--to T] [--tz ZONE] [--by …] [filters]</c>,
/// the <c>GET /api/usage/series</c> time series; both through <see cref="UsageService"/> like the API.
/// </summary>
internal static class UsageCommand
{
    private static readonly Dictionary<string, FlagKind> ReportFlags = new()
    {
        ["--from"] = FlagKind.Value,
        ["--to"] = FlagKind.Value,
        ["--group-by"] = FlagKind.Value,
        ["--key"] = FlagKind.Value,
        ["--account"] = FlagKind.Value,
        ["--model"] = FlagKind.Value,
        ["--group"] = FlagKind.Value,
    };

    private static readonly Dictionary<string, FlagKind> SeriesFlags = new()
    {
        ["--bucket"] = FlagKind.Value,
        ["--from"] = FlagKind.Value,
        ["--to"] = FlagKind.Value,
        ["--tz"] = FlagKind.Value,
        ["--by"] = FlagKind.Value,
        ["--key"] = FlagKind.Value,
        ["--account"] = FlagKind.Value,
        ["--model"] = FlagKind.Value,
        ["--group"] = FlagKind.Value,
    };

    public static CliAction Parse(IReadOnlyList<string> args)
    {
        // Events still queued in a running server are not visible here until it writes them (within about a second).
        if (args.Count > 0 && args[0] == "series")
        {
            var series = CliArgs.Parse("usage series", [.. args.Skip(1)], SeriesFlags);
            series.Require();
            var request = new UsageSeriesRequest(
                series.String("--bucket"), series.String("--from"), series.String("--to"), series.String("--tz"), series.String("--by"),
                series.String("--key"), series.String("--account"), series.String("--model"), series.String("--group"));
            return async (services, console, ct) =>
                console.Write(await services.GetRequiredService<UsageService>().SeriesAsync(request, ct).ConfigureAwait(false));
        }

        var parsed = CliArgs.Parse("usage", args, ReportFlags);
        parsed.Require();
        var report = new UsageReportRequest(
            parsed.String("--from"), parsed.String("--to"), parsed.String("--group-by"),
            parsed.String("--key"), parsed.String("--account"), parsed.String("--model"), parsed.String("--group"));
        return async (services, console, ct) =>
            console.Write(await services.GetRequiredService<UsageService>().QueryAsync(report, ct).ConfigureAwait(false));
    }
}
