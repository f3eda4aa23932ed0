using System.Globalization;

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
}
