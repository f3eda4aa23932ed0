using System.Globalization;

namespace Relay.Server.Cli;

/// <summary>
/// Hand-rolled parser for the verbs' arguments: positionals plus <c>--flags</c> from a per-command
/// spec. Anything not in the spec is a usage error, so a typo never silently does nothing.
/// </summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _flags = new(StringComparer.Ordinal);

    private CliArgs(string command)
    {
        Command = command;
    }

    /// <summary>The verb as typed (e.g. "accounts update"), for error messages.</summary>
    public string Command { get; }

    public List<string> Positionals { get; } = [];

    public static CliArgs Parse(string command, IReadOnlyList<string> args, IReadOnlyDictionary<string, FlagKind> spec)
    {
        var parsed = new CliArgs(command);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positionals.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            var inline = equals < 0 ? null : arg[(equals + 1)..];
            if (!spec.TryGetValue(name, out var kind))
            {
                var known = spec.Count == 0 ? "none" : string.Join(", ", spec.Keys.Order(StringComparer.Ordinal));
                throw new CliUsageException($"'{command}' does not take {name}. Options: {known}.");
            }

            var values = parsed.Values(name);
            switch (kind)
            {
                case FlagKind.Switch when inline is not null:
                    throw new CliUsageException($"{name} takes no value.");
                case FlagKind.Switch:
                    values.Add("true");
                    break;
                case FlagKind.OptionalBool:
                    if (inline is null && i + 1 < args.Count && IsBool(args[i + 1]))
                    {
                        inline = args[++i];
                    }

                    values.Add(inline ?? "true");
                    break;
                case FlagKind.List:
                    if (inline is not null)
                    {
                        values.Add(inline);
                    }

                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        values.Add(args[++i]);
                    }

                    break;
                default:
                    if (inline is null)
                    {
                        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        {
                            throw new CliUsageException($"{name} needs a value.");
                        }

                        inline = args[++i];
                    }

                    if (values.Count > 0)
                    {
                        throw new CliUsageException($"{name} was given more than once.");
                    }

                    values.Add(inline);
                    break;
            }
        }

        return parsed;
    }

    public bool Has(string flag) => _flags.ContainsKey(flag);

    public string? String(string flag) => _flags.TryGetValue(flag, out var values) ? values[^1] : null;

    /// <summary>All words given to a list flag; null when the flag was absent (an empty list when given bare).</summary>
    public IReadOnlyList<string>? List(string flag) => _flags.TryGetValue(flag, out var values) ? values : null;

    public int? Int(string flag)
    {
        var text = String(flag);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliUsageException($"{flag} expects a whole number, got '{text}'.");
    }

    public decimal? Decimal(string flag)
    {
        var text = String(flag);
        if (text is null)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliUsageException($"{flag} expects a number, got '{text}'.");
    }

    public bool? Bool(string flag)
    {
        var text = String(flag);
        if (text is null)
        {
            return null;
        }

        return IsBool(text) ? bool.Parse(text) : throw new CliUsageException($"{flag} expects true or false, got '{text}'.");
    }

    /// <summary>Exactly the positionals named in <paramref name="names"/> (e.g. "ID").</summary>
    public string[] Require(params string[] names)
    {
        if (Positionals.Count != names.Length)
        {
            var expected = names.Length == 0 ? "no arguments" : string.Join(" ", names);
            throw new CliUsageException($"'{Command}' expects {expected}; got {(Positionals.Count == 0 ? "none" : string.Join(" ", Positionals))}.");
        }

        return [.. Positionals];
    }

    private List<string> Values(string flag)
    {
        if (!_flags.TryGetValue(flag, out var values))
        {
            _flags[flag] = values = [];
        }

        return values;
    }

    private static bool IsBool(string text) => bool.TryParse(text, out _);
}
