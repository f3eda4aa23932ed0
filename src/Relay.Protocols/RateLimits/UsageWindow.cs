namespace Relay.Protocols.RateLimits;

/// <summary>Which provider's usage-window headers a report was read from.</summary>
public enum UsageWindowFamily
{
    /// <summary><c>anthropic-ratelimit-unified-*</c> (Claude subscriptions).</summary>
    Anthropic,

    /// <summary><c>x-codex-primary-*</c> / <c>x-codex-secondary-*</c> (ChatGPT/Codex subscriptions).</summary>
    Codex,
}

/// <summary>
/// One usage window of a subscription account as the provider reported it.
/// </summary>
/// <param name="Window">Its name: <c>5h</c>, <c>7d</c>, <c>7d_oi</c> (Anthropic's own), or derived from Codex's length in minutes (<c>5h</c>, <c>7d</c>, <c>90m</c>).</param>
/// <param name="Utilization">How much of it is used, as a fraction (0.21 = 21 %); may exceed 1. Null when not reported or unreadable.</param>
/// <param name="ResetsAt">When it resets; null when not reported.</param>
/// <param name="Status">Anthropic's window status (<c>allowed</c>, <c>allowed_warning</c>, <c>rejected</c>); null for Codex or when absent.</param>
public sealed record UsageWindow(string Window, double? Utilization, DateTimeOffset? ResetsAt, string? Status)
{
    public const string Rejected = "rejected";

    /// <summary>Length of the window in minutes from its name (<c>5h</c> → 300), for ordering; 0 when the name has no length.</summary>
    public static long LengthMinutes(string window)
    {
        var digits = 0;
        while (digits < window.Length && char.IsAsciiDigit(window[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits == window.Length || digits > 9 || !long.TryParse(window.AsSpan(0, digits), out var n))
        {
            return 0;
        }

        return window[digits] switch
        {
            'm' => n,
            'h' => n * 60,
            'd' => n * 1440,
            _ => 0,
        };
    }

    /// <summary>A window's name for people: <c>5h</c> → "5-hour", <c>7d_oi</c> → "7-day (oi)", <c>90m</c> → "90-minute".</summary>
    public static string Describe(string window)
    {
        var digits = 0;
        while (digits < window.Length && char.IsAsciiDigit(window[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits == window.Length)
        {
            return window;
        }

        var unit = window[digits] switch
        {
            'm' => "minute",
            'h' => "hour",
            'd' => "day",
            _ => null,
        };
        if (unit is null)
        {
            return window;
        }

        var rest = window[(digits + 1)..];
        var label = $"{window[..digits]}-{unit}";
        return rest.Length > 1 && rest[0] == '_' ? $"{label} ({rest[1..]})" : label;
    }
}

/// <summary>Which window holds an account back and until when (see <see cref="UsageWindowReport.Exhausted"/>).</summary>
/// <param name="Window">The window's name; null when the provider only said "rejected" overall without naming one.</param>
public readonly record struct UsageExhaustion(string? Window, DateTimeOffset Until);

/// <summary>Everything one response said about the account's usage windows.</summary>
public sealed class UsageWindowReport
{
    public required UsageWindowFamily Family { get; init; }

    /// <summary>The windows, shortest first.</summary>
    public required IReadOnlyList<UsageWindow> Windows { get; init; }

    /// <summary>Anthropic's overall status (<c>anthropic-ratelimit-unified-status</c>).</summary>
    public string? Status { get; init; }

    /// <summary>Anthropic's overall reset (<c>anthropic-ratelimit-unified-reset</c>).</summary>
    public DateTimeOffset? Reset { get; init; }

    /// <summary>The window Anthropic says the overall status stands for (<c>five_hour</c>, <c>seven_day</c>, …).</summary>
    public string? RepresentativeClaim { get; init; }

    public string? OverageStatus { get; init; }
    public DateTimeOffset? OverageReset { get; init; }

    /// <summary>
    /// On a 429: the window that is exhausted, with the latest reset still ahead of <paramref name="now"/>, or null when
    /// the headers name none (the caller keeps its ordinary rate-limit cooldown).
    /// Anthropic: windows whose status is <c>rejected</c>; when only the overall status is <c>rejected</c>, the overall
    /// reset, named after the representative claim. Codex: windows at 100 % or more.
    /// </summary>
    public UsageExhaustion? Exhausted(DateTimeOffset now)
    {
        UsageExhaustion? latest = null;
        foreach (var window in Windows)
        {
            var exhausted = Family == UsageWindowFamily.Codex
                ? window.Utilization >= 1.0
                : string.Equals(window.Status, UsageWindow.Rejected, StringComparison.Ordinal);
            if (exhausted && window.ResetsAt is { } reset && reset > now && (latest is null || reset > latest.Value.Until))
            {
                latest = new UsageExhaustion(window.Window, reset);
            }
        }

        if (latest is null && Family == UsageWindowFamily.Anthropic
            && string.Equals(Status, UsageWindow.Rejected, StringComparison.Ordinal) && Reset is { } overall && overall > now)
        {
            latest = new UsageExhaustion(AnthropicUsageWindows.WindowOfClaim(RepresentativeClaim), overall);
        }

        return latest;
    }
}
