namespace Relay.Protocols.Translation.Chat;

/// <summary>Anthropic <c>stop_reason</c> ⇄ Chat <c>finish_reason</c>.</summary>
public static class StopReasons
{
    /// <summary>
    /// end_turn, stop_sequence and pause_turn → stop; max_tokens and model_context_window_exceeded → length;
    /// tool_use → tool_calls; refusal → content_filter (the model declined for policy reasons, which is what
    /// OpenAI's content_filter tells a client). Unknown reasons → stop.
    /// </summary>
    public static string ToFinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    /// <summary>stop → end_turn; length → max_tokens; tool_calls/function_call → tool_use; content_filter → refusal.</summary>
    public static string ToStopReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
