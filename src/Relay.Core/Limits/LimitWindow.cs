namespace Relay.Core.Limits;

public enum LimitWindowKind
{
    /// <summary>No window: concurrency rules.</summary>
    None,

    /// <summary>The last <see cref="LimitWindow.Length"/> before now, moving with the clock ("60s", "5m", "5h").</summary>
    Sliding,

    /// <summary>The operator's calendar day, reset at <see cref="CalendarSettings.ResetHour"/> local time ("1d").</summary>
    Day,

    /// <summary>The operator's calendar week, reset on <see cref="CalendarSettings.WeekStartsOn"/> at the reset hour ("1w").</summary>
    Week,

    /// <summary>Never resets ("total").</summary>
    Total,
}

/// <summary>
/// The span a limit counts over. Semantics, chosen so an operator can predict a reset:
/// <list type="bullet">
/// <item>"Ns", "Nm", "Nh" are sliding windows (the last N units, whatever the clock says).</item>
/// <item>"1d" and "1w" are calendar periods in the operator's time zone: "daily budget" means "resets at
/// my midnight", not "24 hours after some request". A sliding day is spelled "24h".</item>
/// <item>Other day or week counts ("2d", "3w") are refused rather than guessed at.</item>
/// <item>"total" never resets.</item>
/// </list>
/// </summary>
public readonly record struct LimitWindow(LimitWindowKind Kind, TimeSpan Length)
{
    /// <summary>Longest sliding window; longer spans are budgets and belong to calendar or total caps.</summary>
    public static readonly TimeSpan MaxSliding = TimeSpan.FromDays(31);

    public static LimitWindow None => default;

    public static LimitWindow Day => new(LimitWindowKind.Day, TimeSpan.Zero);

    public static LimitWindow Week => new(LimitWindowKind.Week, TimeSpan.Zero);

    public static LimitWindow Total => new(LimitWindowKind.Total, TimeSpan.Zero);

    public static LimitWindow Sliding(TimeSpan length) => new(LimitWindowKind.Sliding, length);

    public static bool TryParse(string? text, out LimitWindow window, out string? error)
    {
        window = default;
        if (text is not null && text.Trim().Equals("total", StringComparison.OrdinalIgnoreCase))
        {
            window = Total;
            error = null;
            return true;
        }

        if (!DurationText.TryLex(text, out var count, out var unit, out error))
        {
            error = $"window: {error}, or \"total\"";
            return false;
        }

        if (unit is 'd' or 'w')
        {
            if (count != 1)
            {
                error = $"window \"{text}\": calendar windows are \"1d\" (resets at the operator's midnight) or \"1w\" "
                    + $"(resets on the configured weekday and hour); for a sliding span of days use hours, e.g. \"{count * (unit == 'd' ? 24 : 168)}h\"";
                return false;
            }

            window = unit == 'd' ? Day : Week;
            return true;
        }

        var length = unit switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            _ => TimeSpan.FromHours(count),
        };
        if (length > MaxSliding)
        {
            error = $"window \"{text}\" is longer than a sliding window may be (744h); use \"1d\", \"1w\" or \"total\" for budgets";
            return false;
        }

        window = Sliding(length);
        return true;
    }

    public static LimitWindow Parse(string text) =>
        TryParse(text, out var window, out var error) ? window : throw new FormatException(error);

    /// <summary>The canonical text, as the Control API shows it.</summary>
    public override string ToString() => Kind switch
    {
        LimitWindowKind.Sliding => DurationText.Format(Length),
        LimitWindowKind.Day => "1d",
        LimitWindowKind.Week => "1w",
        LimitWindowKind.Total => "total",
        _ => "",
    };
}
