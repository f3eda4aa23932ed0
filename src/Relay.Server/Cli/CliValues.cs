using System.Globalization;
using Relay.Core.Policies;
using Relay.Server.Control.Limits;

namespace Relay.Server.Cli;

/// <summary>Conversions of flag values shared by several verbs.</summary>
internal static class CliValues
{
    /// <summary>ISO-8601 timestamp, or a date meaning its UTC midnight; "never"/"none" → null (no expiry).</summary>
    public static DateTimeOffset? Expiry(string flag, string text)
    {
        if (text is "never" or "none" or "")
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new CliUsageException($"{flag} expects an ISO-8601 timestamp such as 2026-12-31T00:00:00Z (or 'never'), got '{text}'.");
    }

    /// <summary><c>requested=upstream</c> pairs.</summary>
    public static Dictionary<string, string> ModelMap(string flag, IReadOnlyList<string> pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw new CliUsageException($"{flag} expects requested=upstream pairs, got '{pair}'.");
            }

            map[pair[..equals]] = pair[(equals + 1)..];
        }

        return map;
    }

    /// <summary>Words of a list flag, each possibly comma-separated: <c>--groups g1,g2 g3</c> → g1, g2, g3.</summary>
    public static List<string> Items(IReadOnlyList<string> words) =>
        [.. words.SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>"none" (or "never") clears an optional reference; anything else is the value.</summary>
    public static string? OrNone(string text) => text is "none" or "never" or "" ? null : text;

    /// <summary>
    /// <c>--limit</c> values: <c>METER:WINDOW:MAX</c> (<c>cost:1d:5</c>, <c>requests:60s:100</c>) or
    /// <c>concurrency:MAX[:queue=SIZE/TIMEOUT]</c> (<c>concurrency:3:queue=10/10s</c>). The rule's own checks
    /// (known meter, window shape) are the service's, so the CLI and the API refuse the same things.
    /// </summary>
    public static List<LimitRuleInput> Limits(string flag, IReadOnlyList<string> values)
    {
        var rules = new List<LimitRuleInput>(values.Count);
        foreach (var value in values)
        {
            var parts = value.Split(':');
            var isConcurrency = parts[0].Equals("concurrency", StringComparison.OrdinalIgnoreCase);
            if (isConcurrency && parts.Length is 2 or 3)
            {
                rules.Add(new LimitRuleInput
                {
                    Meter = parts[0],
                    Max = LimitMax(flag, value, parts[1]),
                    Queue = parts.Length == 3 ? LimitQueue(flag, value, parts[2]) : null,
                });
            }
            else if (!isConcurrency && parts.Length == 3)
            {
                rules.Add(new LimitRuleInput { Meter = parts[0], Window = parts[1], Max = LimitMax(flag, value, parts[2]) });
            }
            else
            {
                throw new CliUsageException(
                    $"{flag} expects METER:WINDOW:MAX (e.g. cost:1d:5, requests:60s:100) or concurrency:MAX[:queue=SIZE/TIMEOUT], got '{value}'.");
            }
        }

        return rules;
    }

    private static decimal LimitMax(string flag, string value, string text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var max)
            ? max
            : throw new CliUsageException($"{flag} '{value}': the maximum '{text}' is not a number.");

    private static LimitQueueInput LimitQueue(string flag, string value, string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!text.StartsWith("queue=", StringComparison.Ordinal) || slash < 0
            || !int.TryParse(text.AsSpan(6, slash - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new CliUsageException($"{flag} '{value}': the queue is written queue=SIZE/TIMEOUT, e.g. queue=10/10s.");
        }

        return new LimitQueueInput { Size = size, Timeout = text[(slash + 1)..] };
    }

    /// <summary><c>family=user-agent-glob</c> pairs of <c>relay settings set --client-pattern</c>.</summary>
    public static List<ClientPattern> ClientPatterns(string flag, IReadOnlyList<string> pairs)
    {
        var patterns = new List<ClientPattern>(pairs.Count);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw new CliUsageException($"{flag} expects family=user-agent-pattern pairs (e.g. ci-bot='acme-ci/*'), got '{pair}'.");
            }

            patterns.Add(new ClientPattern(pair[..equals], pair[(equals + 1)..]));
        }

        return patterns;
    }
}
