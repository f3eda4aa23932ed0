using System.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>How a Chat answer's finish reason, usage and errors read in the Responses API.</summary>
internal static class ChatOutcomes
{
    /// <summary>
    /// length → <c>incomplete</c> (<c>max_output_tokens</c>); content_filter → <c>incomplete</c> (<c>content_filter</c>);
    /// stop, tool_calls, function_call and anything else → <c>completed</c>.
    /// </summary>
    public static ResponsesObjectWriter.Outcome FromFinishReason(string? finishReason) => finishReason switch
    {
        "length" => new("incomplete", IncompleteReason: "max_output_tokens"),
        "content_filter" => new("incomplete", IncompleteReason: "content_filter"),
        _ => ResponsesObjectWriter.Outcome.Completed,
    };

    /// <summary>
    /// A Chat error object (<c>{"message","type","param","code"}</c>) as a Responses error <c>code</c>. A code Codex
    /// knows is kept; otherwise the type decides. Unknown failures are <c>server_error</c>, which Codex retries.
    /// </summary>
    public static string ErrorCode(JsonElement error)
    {
        string? code = Json.String(error, "code");
        if (code is "rate_limit_exceeded" or "context_length_exceeded" or "insufficient_quota" or "server_is_overloaded" or "invalid_prompt")
        {
            return code;
        }

        return Json.String(error, "type") switch
        {
            "rate_limit_error" or "rate_limit_exceeded" or "requests" or "tokens" => "rate_limit_exceeded",
            "insufficient_quota" => "insufficient_quota",
            "service_unavailable_error" or "overloaded_error" => "server_is_overloaded",
            "invalid_request_error" => "invalid_prompt",
            _ => "server_error",
        };
    }

    /// <summary>Reads a Chat <c>usage</c> object (OpenAI's fields, DeepSeek's cache-hit spelling).</summary>
    public static ChatUsageFields Usage(JsonElement usage)
    {
        var fields = default(ChatUsageFields);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(usage.GetRawText()), ChatJson.ReaderOptions);
        reader.Read();
        ChatUsageFields.Read(ref reader, ref fields);
        return fields;
    }

    /// <summary>
    /// The reasoning text of a Chat message or delta: <c>reasoning_content</c> (DeepSeek, vLLM, most hosts), else
    /// <c>reasoning</c> (OpenRouter, newer vLLM).
    /// </summary>
    public static string? Reasoning(JsonElement messageOrDelta) =>
        Json.String(messageOrDelta, "reasoning_content") ?? Json.String(messageOrDelta, "reasoning");
}
