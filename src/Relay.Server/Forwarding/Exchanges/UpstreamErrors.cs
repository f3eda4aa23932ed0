using System.Text.Json;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// Reads the type and message of an upstream error body of either family: Anthropic's
/// <c>{"type":"error","error":{"type","message"}}</c> or OpenAI's <c>{"error":{"message","type","code"}}</c>.
/// OpenAI types are mapped to Anthropic's vocabulary, which Relay uses internally.
/// </summary>
internal static class UpstreamErrors
{
    public static (string? Type, string? Message) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (ToAnthropicType(type, code), message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? ToAnthropicType(string? type, string? code) => (type, code) switch
    {
        (_, "rate_limit_exceeded") or ("requests" or "tokens", _) => "rate_limit_error",
        (_, "insufficient_quota") or ("insufficient_quota", _) => "billing_error",
        (_, "invalid_api_key") => "authentication_error",
        (_, "server_is_overloaded") => "overloaded_error",
        ("server_error", _) => "api_error",
        _ => type,
    };
}
