using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>How Anthropic's stop reasons and errors read in the Responses API.</summary>
internal static class AnthropicOutcomes
{
    /// <summary>
    /// max_tokens (and a full context window) → <c>incomplete</c> with reason <c>max_output_tokens</c>; Claude's
    /// safety refusal → <c>incomplete</c> with <c>content_filter</c>; everything else (end_turn, tool_use,
    /// stop_sequence, pause_turn) → <c>completed</c>.
    /// </summary>
    public static ResponsesObjectWriter.Outcome FromStopReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => new("incomplete", IncompleteReason: "max_output_tokens"),
        "refusal" => new("incomplete", IncompleteReason: "content_filter"),
        _ => ResponsesObjectWriter.Outcome.Completed,
    };

    /// <summary>
    /// An Anthropic error type as a Responses error <c>code</c>. Codex acts on these: <c>rate_limit_exceeded</c> and
    /// unknown codes are retried, <c>context_length_exceeded</c> asks the user to compact, <c>insufficient_quota</c>
    /// stops.
    /// </summary>
    public static string ErrorCode(string? errorType, string? message) => errorType switch
    {
        "rate_limit_error" => "rate_limit_exceeded",
        "overloaded_error" => "server_is_overloaded",
        "billing_error" => "insufficient_quota",
        "invalid_request_error" when message is not null && message.Contains("prompt is too long", StringComparison.OrdinalIgnoreCase)
            => "context_length_exceeded",
        "invalid_request_error" => "invalid_prompt",
        _ => "server_error",
    };

    /// <summary>
    /// The text of a free-form tool call from Claude's input object: its <c>input</c> string, or the only string
    /// property if Claude named it otherwise; failing both, the JSON itself, so nothing Claude wrote is lost.
    /// </summary>
    public static string FreeformInput(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (Json.String(root, FreeformTool.InputProperty) is { } input)
                {
                    return input;
                }

                var properties = root.EnumerateObject().ToList();
                if (properties.Count == 1 && properties[0].Value.ValueKind == JsonValueKind.String)
                {
                    return properties[0].Value.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            // Fall through to the raw text.
        }

        return json;
    }
}
