using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.ChatResponses;

/// <summary>
/// A Responses <c>usage</c> object as Chat reports it. Both APIs count cached tokens inside the prompt
/// (<c>input_tokens</c> / <c>prompt_tokens</c>) and reasoning inside the output, so the numbers carry over as they are.
/// </summary>
internal readonly record struct ResponsesUsage(long Input, long Cached, long Output, long Reasoning)
{
    public static ResponsesUsage Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        long input = Count(usage, "input_tokens"), output = Count(usage, "output_tokens");
        long cached = usage.TryGetProperty("input_tokens_details", out var i) ? Count(i, "cached_tokens") : 0;
        long reasoning = usage.TryGetProperty("output_tokens_details", out var o) ? Count(o, "reasoning_tokens") : 0;
        return new ResponsesUsage(input, Math.Clamp(cached, 0, input), output, reasoning);
    }

    /// <summary>In Relay's disjoint classes: uncached input, output, cache reads.</summary>
    public TokenUsage ToTokenUsage() => new(Input - Cached, Output, 0, 0, Cached);

    public void WriteChat(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, Input);
        writer.WriteNumber("completion_tokens"u8, Output);
        writer.WriteNumber("total_tokens"u8, Input + Output);
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, Cached);
        writer.WriteEndObject();
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, Reasoning);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static long Count(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetInt64(out long n) && n >= 0 ? n : 0;
}

/// <summary>Small reads shared by the answer translators.</summary>
internal static class ResponsesAnswer
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>chatcmpl-…</c> from <c>resp_…</c>, keeping the upstream id readable in logs on both sides.</summary>
    public static string CompletionId(string? responseId) =>
        "chatcmpl-" + (responseId is null ? "relay" : responseId.StartsWith("resp_", StringComparison.Ordinal) ? responseId[5..] : responseId);

    /// <summary>finish_reason for a finished response: <c>length</c>/<c>content_filter</c> when incomplete, else tool_calls or stop.</summary>
    public static string FinishReason(JsonElement response, bool madeCalls)
    {
        if (String(response, "status") == "incomplete")
        {
            string? reason = response.TryGetProperty("incomplete_details", out var details) ? String(details, "reason") : null;
            return reason == "content_filter" ? "content_filter" : "length";
        }

        return madeCalls ? "tool_calls" : "stop";
    }

    /// <summary>Relay's error type (the Anthropic-style class <see cref="OpenAI.Chat.ChatErrors"/> maps) for a Responses error code.</summary>
    public static string ErrorType(string? code) => code switch
    {
        "rate_limit_exceeded" => "rate_limit_error",
        "insufficient_quota" => "billing_error",
        "server_is_overloaded" or "slow_down" => "overloaded_error",
        "context_length_exceeded" or "invalid_prompt" or "invalid_request_error" => "invalid_request_error",
        _ => "api_error",
    };
}
