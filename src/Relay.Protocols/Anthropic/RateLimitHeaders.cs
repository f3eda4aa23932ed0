using System.Globalization;

namespace Relay.Protocols.Anthropic;

/// <summary>When an upstream rate limit lifts, from <c>retry-after</c> and Anthropic's <c>anthropic-ratelimit-*</c> headers.</summary>
public static class RateLimitHeaders
{
    // (remaining, reset) pairs; constant strings so a lookup allocates nothing.
    private static readonly (string Remaining, string Reset)[] Limits =
    [
        ("anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"),
        ("anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"),
        ("anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset"),
        ("anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset"),
    ];

    // IMF-fixdate, then the two obsolete HTTP-date forms RFC 9110 says recipients must accept.
    private static readonly string[] HttpDateFormats =
    [
        "r",
        "dddd, dd'-'MMM'-'yy HH':'mm':'ss 'GMT'",
        "ddd MMM d HH':'mm':'ss yyyy",
    ];

    /// <summary>
    /// Parses <c>retry-after</c> as delta-seconds or an HTTP-date. A date in the past gives zero; an unreadable
    /// value gives null (the caller then uses its own backoff).
    /// </summary>
    public static TimeSpan? RetryAfter(string? retryAfterValue, DateTimeOffset now)
    {
        var value = retryAfterValue.AsSpan().Trim();
        if (value.IsEmpty)
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            // Clamp absurd values instead of overflowing TimeSpan.
            return seconds >= (long)TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var date))
        {
            var delta = date - now;
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// The latest reset time among the limits that are exhausted (their <c>-remaining</c> is "0"), or null when none is.
    /// <paramref name="header"/> looks a response header up by name (case-insensitively) and returns null when absent.
    /// </summary>
    public static DateTimeOffset? LatestReset(Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        DateTimeOffset? latest = null;
        foreach (var (remaining, reset) in Limits)
        {
            if (!header(remaining).AsSpan().Trim().SequenceEqual("0")
                || !DateTimeOffset.TryParse(header(reset), CultureInfo.InvariantCulture,
                    DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var at))
            {
                continue;
            }

            if (latest is null || at > latest)
            {
                latest = at;
            }
        }

        return latest;
    }
}
