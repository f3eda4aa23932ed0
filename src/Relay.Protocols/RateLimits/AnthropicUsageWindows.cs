using System.Globalization;

namespace Relay.Protocols.RateLimits;

/// <summary>
/// Anthropic's unified rate-limit headers: <c>anthropic-ratelimit-unified-status</c>, <c>-reset</c> (unix seconds),
/// <c>-representative-claim</c>, <c>-overage-status</c>, <c>-overage-reset</c>, and per window W (<c>5h</c>, <c>7d</c>,
/// <c>7d_oi</c>: <c>^\d+(h|d)(_[a-z0-9]+)?$</c>) <c>-{W}-utilization</c> (a fraction), <c>-{W}-reset</c>, <c>-{W}-status</c>.
/// </summary>
public static class AnthropicUsageWindows
{
    private const int MaxTokenLength = 32;

    public static UsageWindowReport? Parse(IEnumerable<KeyValuePair<string, string?>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Dictionary<string, (double? Utilization, DateTimeOffset? Reset, string? Status)>? windows = null;
        string? status = null, claim = null, overageStatus = null;
        DateTimeOffset? reset = null, overageReset = null;

        foreach (var (name, value) in headers)
        {
            if (name is null || !name.StartsWith(UsageWindowHeaders.AnthropicPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var field = name[UsageWindowHeaders.AnthropicPrefix.Length..].ToLowerInvariant();
            switch (field)
            {
                case "status":
                    status = Token(value) ?? status;
                    break;
                case "reset":
                    reset = UnixSeconds(value) ?? reset;
                    break;
                case "representative-claim":
                    claim = Token(value) ?? claim;
                    break;
                case "overage-status":
                    overageStatus = Token(value) ?? overageStatus;
                    break;
                case "overage-reset":
                    overageReset = UnixSeconds(value) ?? overageReset;
                    break;
                default:
                    var dash = field.LastIndexOf('-');
                    if (dash <= 0 || !IsWindowName(field.AsSpan(0, dash)))
                    {
                        continue;
                    }

                    var window = field[..dash];
                    windows ??= new(StringComparer.Ordinal);
                    var current = windows.GetValueOrDefault(window);
                    switch (field[(dash + 1)..])
                    {
                        case "utilization":
                            current.Utilization = Fraction(value) ?? current.Utilization;
                            break;
                        case "reset":
                            current.Reset = UnixSeconds(value) ?? current.Reset;
                            break;
                        case "status":
                            current.Status = Token(value) ?? current.Status;
                            break;
                        default:
                            continue;
                    }

                    windows[window] = current;
                    break;
            }
        }

        var list = new List<UsageWindow>();
        if (windows is not null)
        {
            foreach (var (window, (utilization, windowReset, windowStatus)) in windows)
            {
                if (utilization is not null || windowReset is not null || windowStatus is not null)
                {
                    list.Add(new UsageWindow(window, utilization, windowReset, windowStatus));
                }
            }

            list.Sort(static (a, b) => UsageWindow.LengthMinutes(a.Window) != UsageWindow.LengthMinutes(b.Window)
                ? UsageWindow.LengthMinutes(a.Window).CompareTo(UsageWindow.LengthMinutes(b.Window))
                : string.CompareOrdinal(a.Window, b.Window));
        }

        var anything = list.Count > 0 || status is not null || reset is not null || claim is not null || overageStatus is not null || overageReset is not null;
        if (!anything)
        {
            return null;
        }

        return new UsageWindowReport
        {
            Family = UsageWindowFamily.Anthropic,
            Windows = list,
            Status = status,
            Reset = reset,
            RepresentativeClaim = claim,
            OverageStatus = overageStatus,
            OverageReset = overageReset,
        };
    }

    /// <summary>The window a representative claim stands for: <c>five_hour</c> → <c>5h</c>, <c>seven_day</c> → <c>7d</c>, <c>seven_day_opus</c> → <c>7d_opus</c>; null when unknown.</summary>
    public static string? WindowOfClaim(string? claim) => claim switch
    {
        null => null,
        "five_hour" => "5h",
        "seven_day" => "7d",
        _ when claim.StartsWith("seven_day_", StringComparison.Ordinal) && IsWindowName("7d_" + claim["seven_day_".Length..]) => "7d_" + claim["seven_day_".Length..],
        _ when claim.StartsWith("five_hour_", StringComparison.Ordinal) && IsWindowName("5h_" + claim["five_hour_".Length..]) => "5h_" + claim["five_hour_".Length..],
        _ => null,
    };

    /// <summary><c>^\d+(h|d)(_[a-z0-9]+)?$</c>, without a regex.</summary>
    internal static bool IsWindowName(ReadOnlySpan<char> name)
    {
        var i = 0;
        while (i < name.Length && char.IsAsciiDigit(name[i]))
        {
            i++;
        }

        if (i == 0 || i > 6 || i == name.Length || name[i] is not ('h' or 'd'))
        {
            return false;
        }

        i++;
        if (i == name.Length)
        {
            return true;
        }

        if (name[i] != '_' || i + 1 == name.Length || name.Length > MaxTokenLength)
        {
            return false;
        }

        foreach (var c in name[(i + 1)..])
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A short lower-case identifier (<c>allowed</c>, <c>rejected</c>, <c>five_hour</c>); anything else is ignored.</summary>
    internal static string? Token(string? value)
    {
        var span = value.AsSpan().Trim();
        if (span.IsEmpty || span.Length > MaxTokenLength)
        {
            return null;
        }

        foreach (var c in span)
        {
            if (!char.IsAsciiLetter(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return null;
            }
        }

        return span.ToString().ToLowerInvariant();
    }

    /// <summary>A non-negative finite fraction (may exceed 1).</summary>
    internal static double? Fraction(string? value) =>
        double.TryParse(value.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && number >= 0
            ? number
            : null;

    /// <summary>Unix seconds (integer or decimal) between 1970 and 9999.</summary>
    internal static DateTimeOffset? UnixSeconds(string? value)
    {
        if (!double.TryParse(value.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds <= 0 || seconds >= 253_402_300_799)
        {
            return null;
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }
}
