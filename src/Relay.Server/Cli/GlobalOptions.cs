namespace Relay.Server.Cli;

/// <summary>
/// Settings that apply to every verb and to the server: <c>--data-dir DIR</c> and any
/// <c>--Relay:Setting=value</c> (or <c>--Relay:Setting value</c>). They may appear anywhere on the
/// line; passing them as arguments rather than RELAY_* variables lets tests (and scripts) target a
/// data directory without touching process-wide environment.
/// </summary>
internal sealed record GlobalOptions(IReadOnlyList<string> ConfigArgs, IReadOnlyList<string> Rest)
{
    private const string DataDirFlag = "--data-dir";
    private const string RelayPrefix = "--Relay:";

    public static GlobalOptions Extract(IReadOnlyList<string> args)
    {
        var config = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (Matches(arg, DataDirFlag, out var inline))
            {
                config.Add($"{RelayPrefix}DataDir={inline ?? Next(args, ref i, DataDirFlag)}");
            }
            else if (arg.StartsWith(RelayPrefix, StringComparison.OrdinalIgnoreCase))
            {
                config.Add(arg.Contains('=', StringComparison.Ordinal) ? arg : $"{arg}={Next(args, ref i, arg)}");
            }
            else
            {
                rest.Add(arg);
            }
        }

        return new(config, rest);
    }

    private static bool Matches(string arg, string flag, out string? inline)
    {
        inline = null;
        if (string.Equals(arg, flag, StringComparison.Ordinal))
        {
            return true;
        }

        if (arg.StartsWith(flag + "=", StringComparison.Ordinal))
        {
            inline = arg[(flag.Length + 1)..];
            return true;
        }

        return false;
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string flag)
    {
        if (i + 1 >= args.Count)
        {
            throw new CliUsageException($"{flag} needs a value.");
        }

        return args[++i];
    }
}
