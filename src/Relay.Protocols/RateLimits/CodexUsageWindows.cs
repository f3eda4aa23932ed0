using System.Globalization;

namespace Relay.Protocols.RateLimits;

/// <summary>
/// Codex/ChatGPT subscription headers: for <c>primary</c> and <c>secondary</c>, <c>x-codex-{slot}-used-percent</c>
/// (0–100), <c>-window-minutes</c>, and <c>-reset-at</c> (unix seconds) or the older <c>-reset-after-seconds</c>. A slot
/// counts only if its used percent or length is non-zero or it gives a reset. Utilization is reported as a fraction
/// (percent ÷ 100); the window is named from its length (300 → <c>5h</c>, 10080 → <c>7d</c>, 90 → <c>90m</c>).
/// </summary>
public static class CodexUsageWindows
{
    private static readonly string[] Slots = ["primary", "secondary"];

    public static UsageWindowReport? Parse(IEnumerable<KeyValuePair<string, string?>> headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Span<double?> used = stackalloc double?[2];
        Span<long?> minutes = stackalloc long?[2];
        Span<DateTimeOffset?> resetAt = stackalloc DateTimeOffset?[2];
        Span<DateTimeOffset?> resetAfter = stackalloc DateTimeOffset?[2];
        var seen = false;

        foreach (var (name, value) in headers)
        {
            if (name is null || !name.StartsWith(UsageWindowHeaders.CodexPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = name.AsSpan(UsageWindowHeaders.CodexPrefix.Length);
            for (var slot = 0; slot < Slots.Length; slot++)
            {
                if (!rest.StartsWith(Slots[slot], StringComparison.OrdinalIgnoreCase) || rest.Length <= Slots[slot].Length + 1 || rest[Slots[slot].Length] != '-')
                {
                    continue;
                }

                var field = rest[(Slots[slot].Length + 1)..];
                if (field.Equals("used-percent", StringComparison.OrdinalIgnoreCase))
                {
                    used[slot] = AnthropicUsageWindows.Fraction(value) is { } percent ? percent / 100 : used[slot];
                }
                else if (field.Equals("window-minutes", StringComparison.OrdinalIgnoreCase))
                {
                    minutes[slot] = long.TryParse(value.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m < 10_000_000 ? m : minutes[slot];
                }
                else if (field.Equals("reset-at", StringComparison.OrdinalIgnoreCase))
                {
                    resetAt[slot] = AnthropicUsageWindows.UnixSeconds(value) ?? resetAt[slot];
                }
                else if (field.Equals("reset-after-seconds", StringComparison.OrdinalIgnoreCase))
                {
                    resetAfter[slot] = double.TryParse(value.AsSpan().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) && s >= 0 && s < 400 * 86_400
                        ? now + TimeSpan.FromSeconds(s)
                        : resetAfter[slot];
                }
                else
                {
                    continue;
                }

                seen = true;
            }
        }

        if (!seen)
        {
            return null;
        }

        var windows = new List<UsageWindow>(2);
        for (var slot = 0; slot < Slots.Length; slot++)
        {
            var reset = resetAt[slot] ?? resetAfter[slot];
            if ((used[slot] ?? 0) == 0 && (minutes[slot] ?? 0) == 0 && reset is null)
            {
                continue;
            }

            windows.Add(new UsageWindow(WindowName(minutes[slot] ?? 0, Slots[slot]), used[slot], reset, null));
        }

        return windows.Count == 0 ? null : new UsageWindowReport { Family = UsageWindowFamily.Codex, Windows = windows };
    }

    /// <summary>300 → <c>5h</c>, 10080 → <c>7d</c>, 90 → <c>90m</c>; a slot without a length keeps its slot name.</summary>
    public static string WindowName(long minutes, string slot) => minutes switch
    {
        <= 0 => slot,
        _ when minutes % 1440 == 0 => $"{minutes / 1440}d",
        _ when minutes % 60 == 0 => $"{minutes / 60}h",
        _ => $"{minutes}m",
    };
}
