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
        ["--sticky-ttl-seconds"] = FlagKind.Value,
        ["--max-attempts"] = FlagKind.Value,
        ["--stream-first-byte-timeout-seconds"] = FlagKind.Value,
        ["--first-byte-timeout-seconds"] = FlagKind.Value,
        ["--stream-idle-timeout-seconds"] = FlagKind.Value,
        ["--log-content"] = FlagKind.OptionalBool,
        ["--content-retention-days"] = FlagKind.Value,
        ["--content-max-bytes"] = FlagKind.Value,
    };

    /// <summary>CLI flag → API field of the forwarding settings; the value <c>default</c> returns one to the process setting.</summary>
    private static readonly Dictionary<string, string> ForwardingFlags = new()
    {
        ["--sticky-ttl-seconds"] = "stickyTtlSeconds",
        ["--max-attempts"] = "maxAttempts",
        ["--stream-first-byte-timeout-seconds"] = "streamFirstByteTimeoutSeconds",
        ["--first-byte-timeout-seconds"] = "firstByteTimeoutSeconds",
        ["--stream-idle-timeout-seconds"] = "streamIdleTimeoutSeconds",
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
                        StickyTtlSeconds = Forwarding(parsed, "--sticky-ttl-seconds"),
                        MaxAttempts = Forwarding(parsed, "--max-attempts"),
                        StreamFirstByteTimeoutSeconds = Forwarding(parsed, "--stream-first-byte-timeout-seconds"),
                        FirstByteTimeoutSeconds = Forwarding(parsed, "--first-byte-timeout-seconds"),
                        StreamIdleTimeoutSeconds = Forwarding(parsed, "--stream-idle-timeout-seconds"),
                        LogContent = parsed.Bool("--log-content"),
                        ContentRetentionDays = parsed.Int("--content-retention-days"),
                        ContentMaxBytes = parsed.Int("--content-max-bytes"),
                    };
                    var given = ForwardingFlags.Where(f => parsed.Has(f.Key)).Select(f => f.Value).ToHashSet(StringComparer.Ordinal);
                    return async (services, console, ct) => console.Write(await Service(services).UpdateAsync(input, ct, given).ConfigureAwait(false));
                }

            default:
                throw new CliUsageException($"Unknown command 'settings {verb}'. Use show or set.");
        }
    }

    /// <summary>A number, or null for <c>default</c> (back to the process setting) and for an absent flag (the caller tells them apart).</summary>
    private static int? Forwarding(CliArgs parsed, string flag) =>
        string.Equals(parsed.String(flag), "default", StringComparison.OrdinalIgnoreCase) ? null : parsed.Int(flag);

    private static SettingsService Service(IServiceProvider services) => services.GetRequiredService<SettingsService>();
}
