using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Writes the Responses API's <c>response</c> object and its output items. The non-streamed translator and the
/// stream translator both use it, so an item reads the same whether it arrived whole or as events.
/// </summary>
internal static class ResponsesObjectWriter
{
    /// <summary>The status and what goes with it: <c>incomplete_details</c> or <c>error</c>.</summary>
    public readonly record struct Outcome(string Status, string? IncompleteReason = null, string? ErrorCode = null, string? ErrorMessage = null)
    {
        public static Outcome InProgress => new("in_progress");

        public static Outcome Completed => new("completed");

        public static Outcome Failed(string code, string message) => new("failed", ErrorCode: code, ErrorMessage: message);
    }

    /// <summary>The whole response object; <paramref name="items"/> are complete item objects as JSON.</summary>
    public static void WriteResponse(
        Utf8JsonWriter writer, ResponsesTurn turn, Outcome outcome, string? model, IReadOnlyList<byte[]> items, TokenUsage? usage, long reasoningTokens = 0)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, turn.ResponseId);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, turn.CreatedAt);
        writer.WriteString("status"u8, outcome.Status);
        writer.WriteBoolean("background"u8, false);
        if (outcome.ErrorCode is null)
        {
            writer.WriteNull("error"u8);
        }
        else
        {
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, outcome.ErrorCode);
            writer.WriteString("message"u8, outcome.ErrorMessage);
            writer.WriteEndObject();
        }

        if (outcome.IncompleteReason is null)
        {
            writer.WriteNull("incomplete_details"u8);
        }
        else
        {
            writer.WriteStartObject("incomplete_details"u8);
            writer.WriteString("reason"u8, outcome.IncompleteReason);
            writer.WriteEndObject();
        }

        // Instructions and tools are not echoed: Codex resends them every turn, and echoing doubles the bytes.
        writer.WriteNull("instructions"u8);
        WriteNumberOrNull(writer, "max_output_tokens"u8, turn.MaxOutputTokens);
        writer.WriteString("model"u8, model ?? turn.RequestedModel);
        writer.WriteStartArray("output"u8);
        foreach (var item in items)
        {
            writer.WriteRawValue(item, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("parallel_tool_calls"u8, turn.ParallelToolCalls);
        writer.WriteNull("previous_response_id"u8);
        writer.WriteStartObject("reasoning"u8);
        WriteStringOrNull(writer, "effort"u8, turn.ReasoningEffort);
        WriteStringOrNull(writer, "summary"u8, turn.ReasoningSummary);
        writer.WriteEndObject();
        writer.WriteBoolean("store"u8, turn.Store);
        WriteNumberOrNull(writer, "temperature"u8, turn.Temperature);
        writer.WriteStartObject("text"u8);
        writer.WriteStartObject("format"u8);
        writer.WriteString("type"u8, "text"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("tool_choice"u8, "auto"u8);
        writer.WriteStartArray("tools"u8);
        writer.WriteEndArray();
        WriteNumberOrNull(writer, "top_p"u8, turn.TopP);
        writer.WriteString("truncation"u8, "disabled"u8);
        if (usage is { } tokens)
        {
            writer.WritePropertyName("usage"u8);
            WriteUsage(writer, tokens, reasoningTokens);
        }
        else
        {
            writer.WriteNull("usage"u8);
        }

        writer.WriteNull("user"u8);
        writer.WriteStartObject("metadata"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Responses usage from Relay's classes. OpenAI's <c>input_tokens</c> is all input, cached or not, so Anthropic's
    /// uncached input, cache reads and cache writes add up to it; <c>cached_tokens</c> is the cache reads. Claude does
    /// not report thinking tokens apart from output, so <c>reasoning_tokens</c> is 0 for Claude (they are in
    /// output_tokens); a Chat upstream reports them (<c>completion_tokens_details.reasoning_tokens</c>), also within output.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter writer, TokenUsage usage, long reasoningTokens = 0)
    {
        long input = usage.Input + usage.CacheRead + usage.CacheWrite5m + usage.CacheWrite1h;
        writer.WriteStartObject();
        writer.WriteNumber("input_tokens"u8, input);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, usage.CacheRead);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, usage.Output);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, reasoningTokens);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, input + usage.Output);
        writer.WriteEndObject();
    }

    /// <summary>A reasoning item; <paramref name="summary"/> null writes an empty summary list (as when it starts).</summary>
    public static void WriteReasoningItem(Utf8JsonWriter writer, string id, string? summary, string? encryptedContent)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "reasoning"u8);
        writer.WriteStartArray("summary"u8);
        if (!string.IsNullOrEmpty(summary))
        {
            WriteSummaryPart(writer, summary);
        }

        writer.WriteEndArray();
        if (encryptedContent is not null)
        {
            writer.WriteString("encrypted_content"u8, encryptedContent);
        }

        writer.WriteEndObject();
    }

    public static void WriteSummaryPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "summary_text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>An assistant message item; <paramref name="text"/> null writes no content (as when it starts).</summary>
    public static void WriteMessageItem(Utf8JsonWriter writer, string id, bool completed, string? text)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteStartArray("content"u8);
        if (text is not null)
        {
            WriteOutputTextPart(writer, text);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteOutputTextPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A function call. <c>call_id</c> is Claude's tool-use id, which the client sends back with the output, so the
    /// next request's <c>tool_result</c> matches its <c>tool_use</c>.
    /// </summary>
    public static void WriteFunctionCallItem(Utf8JsonWriter writer, string id, string callId, string name, string arguments, bool completed, string? toolNamespace = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "function_call"u8);
        writer.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        writer.WriteString("arguments"u8, arguments);
        writer.WriteString("call_id"u8, callId);
        writer.WriteString("name"u8, name);
        WriteNamespace(writer, toolNamespace);
        writer.WriteEndObject();
    }

    /// <summary>A call of a free-form (custom) tool, whose input is raw text.</summary>
    public static void WriteCustomToolCallItem(Utf8JsonWriter writer, string id, string callId, string name, string input, bool completed, string? toolNamespace = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "custom_tool_call"u8);
        writer.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        writer.WriteString("call_id"u8, callId);
        writer.WriteString("name"u8, name);
        WriteNamespace(writer, toolNamespace);
        writer.WriteString("input"u8, input);
        writer.WriteEndObject();
    }

    /// <summary>The <c>namespace</c> of a call to a tool the request offered inside a namespace; nothing otherwise.</summary>
    private static void WriteNamespace(Utf8JsonWriter writer, string? toolNamespace)
    {
        if (toolNamespace is not null)
        {
            writer.WriteString("namespace"u8, toolNamespace);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
