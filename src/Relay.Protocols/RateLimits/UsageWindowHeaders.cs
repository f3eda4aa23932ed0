namespace Relay.Protocols.RateLimits;

/// <summary>
/// Subscription upstreams' usage-window headers: Anthropic's <c>anthropic-ratelimit-unified-*</c> and Codex's
/// <c>x-codex-*</c>. <see cref="IsUsageHeader"/> is the cheap test a caller runs on every response header name; only
/// the headers it accepts are handed to <see cref="Parse"/>.
/// </summary>
public static class UsageWindowHeaders
{
    public const string AnthropicPrefix = "anthropic-ratelimit-unified-";
    public const string CodexPrefix = "x-codex-";

    /// <summary>True when the header belongs to one of the families (by prefix, case-insensitively). Allocates nothing.</summary>
    public static bool IsUsageHeader(string name) =>
        name.Length > CodexPrefix.Length
        && (name[0] | 0x20) switch
        {
            'a' => name.StartsWith(AnthropicPrefix, StringComparison.OrdinalIgnoreCase),
            'x' => name.StartsWith(CodexPrefix, StringComparison.OrdinalIgnoreCase),
            _ => false,
        };

    /// <summary>
    /// Reads the report from the family headers of one response (name, first value); null when they say nothing usable.
    /// Malformed values are ignored; never throws. Anthropic's headers win if a response carries both families.
    /// </summary>
    /// <param name="now">When the response arrived (Codex's <c>reset-after-seconds</c> is relative to it).</param>
    public static UsageWindowReport? Parse(IEnumerable<KeyValuePair<string, string?>> headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return AnthropicUsageWindows.Parse(headers) ?? CodexUsageWindows.Parse(headers, now);
    }
}
