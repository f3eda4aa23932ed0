using Relay.Server.Control.Settings;

namespace Relay.Server.Cli;

/// <summary><c>relay settings show|set</c>, through <see cref="SettingsService"/> like <c>GET/PATCH /api/settings</c>.</summary>
internal static class SettingsCommands
{
    private static readonly Dictionary<string, FlagKind> NoFlags = [];

    private static readonly Dictionary<string, FlagKind> SetFlags = new()
    {
        ["--time-zone"] = FlagKind.Value,
        ["--week-starts-on"] = FlagKind.Value,
        ["--day-reset-hour"] = FlagKind.Value,
        ["--client-pattern"] = FlagKind.List,
    };

    public static CliAction Parse(string verb, IReadOnlyList<string> args)
    {
        switch (verb)
        {
            case "show" or "get":
                CliArgs.Parse($"settings {verb}", args, NoFlags).Require();
                return async (services, console, ct) => console.Json(await Service(services).GetAsync(ct).ConfigureAwait(false));

            case "set":
                {
                    var parsed = CliArgs.Parse("settings set", args, SetFlags);
                    parsed.Require();
                    if (!SetFlags.Keys.Any(parsed.Has))
                    {
                        throw new CliUsageException($"'settings set' needs at least one of {string.Join(", ", SetFlags.Keys)}.");
                    }

                    // --client-pattern replaces the whole list (with no pairs it empties it), like clientPatterns in the API.
                    var input = new SettingsInput
                    {
                        TimeZone = parsed.String("--time-zone"),
                        WeekStartsOn = parsed.String("--week-starts-on"),
                        DayResetHour = parsed.Int("--day-reset-hour"),
                        ClientPatterns = parsed.List("--client-pattern") is { } pairs ? CliValues.ClientPatterns("--client-pattern", pairs) : null,
                    };
                    return async (services, console, ct) => console.Write(await Service(services).UpdateAsync(input, ct).ConfigureAwait(false));
                }

            default:
                throw new CliUsageException($"Unknown command 'settings {verb}'. Use show or set.");
        }
    }

    private static SettingsService Service(IServiceProvider services) => services.GetRequiredService<SettingsService>();
}
