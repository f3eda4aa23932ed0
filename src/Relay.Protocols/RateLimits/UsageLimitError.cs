using System.Text.Json;

namespace Relay.Protocols.RateLimits;

/// <summary>
/// The ChatGPT (Codex backend) 429 body of a spent plan: <c>{"error":{"type":"usage_limit_reached","message":…,
/// "plan_type":…,"resets_at":1790000000,"resets_in_seconds":3600}}</c>. Current Codex reads <c>resets_at</c> (unix
/// seconds), older clients <c>resets_in_seconds</c>; both are accepted, <c>resets_at</c> first. The body may come
/// without the <c>x-codex-*</c> headers, so it is a second source of the same reset.
/// </summary>
public static class UsageLimitError
{
    public const string Type = "usage_limit_reached";

    /// <summary>When the spent limit resets, or null when the body is not a <c>usage_limit_reached</c> error with a future reset.</summary>
    public static DateTimeOffset? Reset(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("type", out var type)
                || !type.ValueEquals(Type))
            {
                return null;
            }

            DateTimeOffset? reset = null;
            if (error.TryGetProperty("resets_at", out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var seconds)
                && seconds is > 0 and < 253402300799)
            {
                reset = DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            else if (error.TryGetProperty("resets_in_seconds", out var after) && after.ValueKind == JsonValueKind.Number && after.TryGetInt64(out var wait)
                && wait is > 0 and < 100L * 365 * 24 * 3600)
            {
                reset = now.AddSeconds(wait);
            }

            return reset > now ? reset : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
