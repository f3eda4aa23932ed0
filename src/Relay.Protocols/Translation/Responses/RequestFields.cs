using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// The top-level fields of a Responses request, read and checked one by one. Every field is either translated,
/// ignored for a documented reason, or refused; a field this list does not know is refused, so a new OpenAI
/// feature never silently does nothing.
/// </summary>
internal sealed class RequestFields
{
    public string? Model { get; private set; }

    public bool Stream { get; private set; }

    public AnthropicConversation Conversation { get; } = new();

    public List<ClaudeTool> Tools { get; } = [];

    public ClaudeToolChoice? ToolChoice { get; private set; }

    public bool ParallelToolCalls { get; private set; } = true;

    public long? MaxOutputTokens { get; private set; }

    public double? Temperature { get; private set; }

    public double? TopP { get; private set; }

    public string? ReasoningEffort { get; private set; }

    public string? ReasoningSummary { get; private set; }

    public bool Store { get; private set; }

    /// <summary><c>safety_identifier</c>, else <c>user</c>: an end-user id, which is what Anthropic's metadata.user_id is for.</summary>
    public string? EndUser { get; private set; }

    public TranslationError? Read(JsonElement root)
    {
        JsonElement input = default, tools = default, toolChoice = default;
        string? safetyIdentifier = null, user = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            bool isNull = value.ValueKind == JsonValueKind.Null;
            TranslationError? error = property.Name switch
            {
                "model" => ResponsesFieldReaders.Model(value, v => Model = v),
                "input" => Keep(value, out input),
                "instructions" => ReadInstructions(value),
                "tools" => Keep(value, out tools),
                "tool_choice" => Keep(value, out toolChoice),
                "parallel_tool_calls" => ResponsesFieldReaders.Bool(value, "parallel_tool_calls", v => ParallelToolCalls = v),
                "max_output_tokens" => ResponsesFieldReaders.MaxOutputTokens(value, v => MaxOutputTokens = v),
                "temperature" => ResponsesFieldReaders.Number(value, "temperature", 0, 1, v => Temperature = v), // Claude's range is 0–1, OpenAI's 0–2.
                "top_p" => ResponsesFieldReaders.Number(value, "top_p", 0, 1, v => TopP = v),
                "reasoning" => ResponsesFieldReaders.Reasoning(value, v => ReasoningEffort = v, v => ReasoningSummary = v), // the summary is echoed: Claude's thinking is always returned as the reasoning item's summary text.
                "stream" => ResponsesFieldReaders.Bool(value, "stream", v => Stream = v),
                "store" => ResponsesFieldReaders.Bool(value, "store", v => Store = v),
                "text" => ReadText(value),
                "user" => ResponsesFieldReaders.String(value, "user", v => user = v),
                "safety_identifier" => ResponsesFieldReaders.String(value, "safety_identifier", v => safetyIdentifier = v),

                // Relay is stateless for Claude accounts: nothing is stored, so nothing can be continued.
                "previous_response_id" or "conversation" when !isNull => new TranslationError(property.Name,
                    "Relay does not store conversations for Claude accounts, so a stored conversation cannot be continued; send the whole conversation in 'input' (Codex does with store: false)."),
                "prompt" when !isNull => new TranslationError("prompt", "stored prompt templates live in OpenAI's platform and cannot be used with a Claude account."),
                "background" when value.ValueKind == JsonValueKind.True => new TranslationError("background", "background responses are stored and polled on OpenAI's side; a Claude account answers in the request."),
                "truncation" when value.ValueKind == JsonValueKind.String && value.ValueEquals("auto") => new TranslationError("truncation",
                    "automatic truncation is not available on a Claude account; an over-long conversation is refused by the upstream instead."),
                "top_logprobs" when value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0 => new TranslationError("top_logprobs", "Claude does not return log probabilities."),
                "max_tool_calls" when !isNull => new TranslationError("max_tool_calls", "a limit on hosted tool calls has no Claude equivalent."),

                // Accepted and deliberately not sent: prompt caching is keyed by content on Anthropic's side (Relay
                // marks breakpoints itself); metadata is OpenAI's dashboard tagging; include is always satisfied
                // for reasoning.encrypted_content; the rest are transport or billing hints of OpenAI's.
                "previous_response_id" or "conversation" or "prompt" or "background" or "truncation" or "top_logprobs"
                    or "max_tool_calls" or "metadata" or "include" or "prompt_cache_key" or "prompt_cache_retention"
                    or "service_tier" or "client_metadata" or "stream_options" => null,
                _ => new TranslationError(property.Name, "this field cannot be sent to a Claude account."),
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (Model is null)
        {
            return new TranslationError("model", "is required and must be a string.");
        }

        EndUser = safetyIdentifier ?? user;
        var inputError = input.ValueKind == JsonValueKind.Undefined
            ? new TranslationError("input", "is required.")
            : ResponsesInputConverter.Convert(input, Conversation);
        if (inputError is not null)
        {
            return inputError;
        }

        if (Conversation.MessageCount == 0)
        {
            return new TranslationError("input", "holds no user or assistant content to answer.");
        }

        if (tools.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var toolError = ResponsesToolConverter.ConvertTools(tools, Tools);
            if (toolError is not null)
            {
                return toolError;
            }
        }

        if (toolChoice.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var choiceError = ResponsesToolConverter.ConvertChoice(toolChoice, Tools, out var choice);
            ToolChoice = choice;
            return choiceError;
        }

        return null;
    }

    private static TranslationError? Keep(JsonElement value, out JsonElement kept)
    {
        kept = value;
        return null;
    }

    private TranslationError? ReadInstructions(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return new TranslationError("instructions", "must be a string on a Claude account.");
        }

        // Instructions come first in the system prompt, before any system/developer input items.
        if (value.GetString() is { Length: > 0 } text)
        {
            Conversation.System.Insert(0, new TextBlock(text));
        }

        return null;
    }

    private static TranslationError? ReadText(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null || !Json.TryGet(value, "format", out var format))
        {
            // "verbosity" alone: a style hint of OpenAI's models with no Claude parameter; the answer is unaffected.
            return null;
        }

        return Json.String(format, "type") == "text"
            ? null
            : new TranslationError("text.format", "structured output (json_schema, json_object) is not translated for Claude accounts; describe the format in the instructions instead.");
    }
}
