using System.Globalization;

namespace Relay.Core.Limits;

/// <summary>
/// Parses the short duration strings of the Control API: a positive whole number and one unit,
/// <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c> ("10s", "5h", "30d"). No fractions and no
/// compound forms, so every value has one obvious meaning and round-trips.
/// </summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = default;
        if (!TryLex(text, out var count, out var unit, out error))
        {
            return false;
        }

        duration = unit switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ => TimeSpan.FromDays(7 * count),
        };
        return true;
    }

    /// <summary>The shortest exact form: whole hours as "Nh", whole minutes as "Nm", otherwise "Ns".</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        return seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    /// <summary>Splits "5h" into 5 and 'h'. Shared with <see cref="LimitWindow"/>, which gives 'd' and 'w' calendar meaning.</summary>
    internal static bool TryLex(string? text, out long count, out char unit, out string? error)
    {
        count = 0;
        unit = '\0';
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            error = "duration is empty; use a number and a unit, e.g. \"60s\", \"5m\", \"5h\", \"1d\"";
            return false;
        }

        unit = char.ToLowerInvariant(span[^1]);
        if (unit is not ('s' or 'm' or 'h' or 'd' or 'w'))
        {
            error = $"duration \"{text}\" needs a unit: s, m, h, d or w (e.g. \"60s\", \"5h\")";
            return false;
        }

        if (!long.TryParse(span[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            error = $"duration \"{text}\" must be a whole number followed by a unit (e.g. \"90s\", not \"1.5m\")";
            return false;
        }

        // 10 years in seconds: generous, and far from TimeSpan overflow.
        if (count <= 0 || count > 315_360_000)
        {
            error = $"duration \"{text}\" must be positive and at most ten years";
            return false;
        }

        error = null;
        return true;
    }
}
