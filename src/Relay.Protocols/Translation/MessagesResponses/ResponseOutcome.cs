using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.MessagesResponses;

/// <summary>What a final Responses <c>response</c> object means to an Anthropic client: usage, stop reason, ids, errors.</summary>
internal static class ResponseOutcome
{
    /// <summary>
    /// <c>input_tokens</c> minus <c>input_tokens_details.cached_tokens</c> → input, the cached part → cache reads,
    /// <c>output_tokens</c> (reasoning included) → output.
    /// </summary>
    public static TokenUsage Usage(JsonElement response)
    {
        if (!response.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        long input = Count(usage, "input_tokens"), output = Count(usage, "output_tokens");
        long cached = usage.TryGetProperty("input_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object ? Count(details, "cached_tokens") : 0;
        cached = Math.Clamp(cached, 0, input);
        return new TokenUsage(input - cached, output, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: cached);
    }

    /// <summary>
    /// incomplete for <c>max_output_tokens</c> → max_tokens; incomplete for <c>content_filter</c> → refusal; a function
    /// call in the output → tool_use; a refusal part → refusal; otherwise end_turn.
    /// </summary>
    public static string StopReason(string? status, string? incompleteReason, bool sawFunctionCall, bool sawRefusal) =>
        (status, incompleteReason) switch
        {
            ("incomplete", "max_output_tokens") => "max_tokens",
            ("incomplete", "content_filter") => "refusal",
            _ when sawFunctionCall => "tool_use",
            _ when sawRefusal => "refusal",
            _ => "end_turn",
        };

    public static string? IncompleteReason(JsonElement response) =>
        response.TryGetProperty("incomplete_details", out var details) ? String(details, "reason") : null;

    /// <summary><c>resp_abc</c> → <c>msg_abc</c>: the upstream id stays recognisable in both sides' logs.</summary>
    public static string MessageId(string? responseId) =>
        "msg_" + (responseId is null ? "relay" : responseId.StartsWith("resp_", StringComparison.Ordinal) ? responseId[5..] : responseId);

    /// <summary>An OpenAI error code or type → the Anthropic error type a client acts on.</summary>
    public static string ErrorType(string? openAiCode) => openAiCode switch
    {
        "rate_limit_exceeded" or "rate_limit_error" or "insufficient_quota" => AnthropicErrors.RateLimit,
        "invalid_request_error" or "invalid_prompt" or "context_length_exceeded" => AnthropicErrors.InvalidRequest,
        "server_is_overloaded" or "overloaded" => AnthropicErrors.Overloaded,
        "authentication_error" => AnthropicErrors.Authentication,
        "permission_error" => AnthropicErrors.Permission,
        _ => AnthropicErrors.Api,
    };

    /// <summary>The text of a reasoning item's summary parts, joined by blank lines (empty when there is none).</summary>
    public static string Summary(JsonElement reasoningItem)
    {
        if (!reasoningItem.TryGetProperty("summary", out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        return string.Join("\n\n", parts.EnumerateArray().Select(p => String(p, "text")).Where(t => !string.IsNullOrEmpty(t)));
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Count(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= 0 ? n : 0;
}
