using System.Globalization;

namespace Relay.Protocols.OpenAI;

/// <summary>
/// When an OpenAI rate limit lifts, from <c>retry-after-ms</c> and the <c>x-ratelimit-reset-requests</c> /
/// <c>x-ratelimit-reset-tokens</c> headers, whose values are Go-style durations: <c>1s</c>, <c>6m0s</c>,
/// <c>20ms</c>, <c>1h2m3.5s</c>. Used to cool an account for as long as the provider says, not a guess.
/// </summary>
public static class OpenAIRateLimitHeaders
{
    /// <summary>The later of the exhausted limits' resets (a limit with remaining &gt; 0 does not hold the account), or null.</summary>
    public static TimeSpan? Reset(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header("retry-after-ms") is { } ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        TimeSpan? latest = null;
        foreach (var (remaining, reset) in Limits)
        {
            if (header(remaining) is { } left && long.TryParse(left, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                continue;
            }

            if (TryParseDuration(header(reset), out var wait) && (latest is null || wait > latest))
            {
                latest = wait;
            }
        }

        return latest;
    }

    private static readonly (string Remaining, string Reset)[] Limits =
    [
        ("x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"),
        ("x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"),
    ];

    /// <summary>Parses a Go duration made of number+unit pieces (h, m, s, ms, us/µs, ns).</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        double totalMs = 0;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            span = span[digits..];
            var unitLength = 0;
            while (unitLength < span.Length && !char.IsAsciiDigit(span[unitLength]))
            {
                unitLength++;
            }

            double? factor = span[..unitLength] switch
            {
                "h" => 3_600_000,
                "m" => 60_000,
                "s" => 1_000,
                "ms" => 1,
                "us" or "µs" => 0.001,
                "ns" => 0.000001,
                _ => null,
            };
            if (factor is not { } f)
            {
                return false;
            }

            totalMs += value * f;
            span = span[unitLength..];
        }

        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }
}
