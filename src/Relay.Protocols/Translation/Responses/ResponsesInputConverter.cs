using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Turns the Responses <c>input</c> (a string, or the list of items Codex resends in full every turn since it runs
/// with <c>store: false</c>) into Anthropic's system prompt and messages.
/// </summary>
internal static class ResponsesInputConverter
{
    public static TranslationError? Convert(JsonElement input, AnthropicConversation conversation)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            string text = input.GetString()!;
            if (text.Length > 0)
            {
                conversation.Add("user", new TextBlock(text));
            }

            return null;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return new TranslationError("input", "must be a string or an array of input items.");
        }

        int index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var error = ConvertItem(item, $"input[{index++}]", conversation);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static TranslationError? ConvertItem(JsonElement item, string path, AnthropicConversation conversation)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new TranslationError(path, "must be an object.");
        }

        // EasyInputMessage: {"role":…,"content":…} without a type is a message.
        string type = Json.String(item, "type") ?? (Json.String(item, "role") is not null ? "message" : "");
        return type switch
        {
            "message" => ConvertMessage(item, path, conversation),
            "function_call" => ConvertFunctionCall(item, path, conversation),
            "custom_tool_call" => ConvertCustomToolCall(item, path, conversation),
            "function_call_output" or "custom_tool_call_output" => ConvertToolOutput(item, path, conversation),
            "reasoning" => ConvertReasoning(item, path, conversation),

            // The record of a search OpenAI ran in an earlier turn (before the conversation moved to a Claude
            // account). Its findings are in the assistant message that follows, which is kept; the record itself
            // has no Anthropic form and asks nothing of the model.
            "web_search_call" => null,
            "item_reference" => new TranslationError(path + ".type", "item references point into OpenAI's conversation store, which a Claude account cannot read; send the items themselves."),
            "compaction" or "compaction_summary" => new TranslationError(path + ".type", "a compaction item is OpenAI-encrypted history that a Claude account cannot read; start a new conversation or compact it on a Claude account."),
            _ => new TranslationError(path + ".type", $"input item type '{type}' cannot be sent to a Claude account."),
        };
    }

    private static TranslationError? ConvertMessage(JsonElement item, string path, AnthropicConversation conversation)
    {
        string? role = Json.String(item, "role");
        if (role is not ("user" or "assistant" or "system" or "developer"))
        {
            return new TranslationError(path + ".role", "must be one of user, assistant, system, developer.");
        }

        var blocks = new List<AnthropicBlock>();
        var error = ResponsesContentConverter.Convert(item.TryGetProperty("content", out var content) ? content : default, path + ".content", blocks);
        if (error is not null)
        {
            return error;
        }

        if (role is "system" or "developer")
        {
            // Anthropic has one system prompt and no system turns. Developer and system messages carry the
            // operator's instructions (Codex's sandbox and permission rules), so they keep system authority, in order.
            if (blocks.FirstOrDefault(b => b is not TextBlock) is not null)
            {
                return new TranslationError(path + ".content", "a system or developer message can carry only text on a Claude account.");
            }

            conversation.System.AddRange(blocks);
            return null;
        }

        foreach (var block in blocks)
        {
            conversation.Add(role, block);
        }

        return null;
    }

    private static TranslationError? ConvertFunctionCall(JsonElement item, string path, AnthropicConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId || Json.String(item, "name") is not { } name)
        {
            return new TranslationError(path, "a function_call needs call_id and name.");
        }

        // A call of a tool inside a namespace names the flat tool Claude was offered.
        name = ResponsesToolConverter.FlatName(item, name);

        string arguments = Json.String(item, "arguments") ?? "";
        JsonElement input;
        try
        {
            using var document = JsonDocument.Parse(arguments.Length == 0 ? "{}" : arguments);
            input = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new TranslationError(path + ".arguments", "is not valid JSON; Claude's tool calls take a JSON object.");
        }

        if (input.ValueKind != JsonValueKind.Object)
        {
            return new TranslationError(path + ".arguments", "must be a JSON object; Claude's tool calls take a JSON object.");
        }

        conversation.Add("assistant", new ToolUseBlock(ToolIds.ToAnthropic(callId), name, input, FreeformInput: null));
        return null;
    }

    private static TranslationError? ConvertCustomToolCall(JsonElement item, string path, AnthropicConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId || Json.String(item, "name") is not { } name)
        {
            return new TranslationError(path, "a custom_tool_call needs call_id and name.");
        }

        // A call of a tool inside a namespace names the flat tool Claude was offered.
        name = ResponsesToolConverter.FlatName(item, name);

        conversation.Add("assistant", new ToolUseBlock(ToolIds.ToAnthropic(callId), name, Input: null, Json.String(item, "input") ?? ""));
        return null;
    }

    private static TranslationError? ConvertToolOutput(JsonElement item, string path, AnthropicConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId)
        {
            return new TranslationError(path + ".call_id", "is required.");
        }

        string id = ToolIds.ToAnthropic(callId);
        if (!Json.TryGet(item, "output", out var output) || output.ValueKind == JsonValueKind.String)
        {
            conversation.Add("user", new ToolResultBlock(id, output.ValueKind == JsonValueKind.String ? output.GetString() : "", Content: null));
            return null;
        }

        var blocks = new List<AnthropicBlock>();
        var error = ResponsesContentConverter.Convert(output, path + ".output", blocks);
        if (error is not null)
        {
            return error;
        }

        if (blocks.Any(b => b is MediaBlock { Type: "document" }))
        {
            return new TranslationError(path + ".output", "a tool result can carry text and images on a Claude account, not files.");
        }

        conversation.Add("user", new ToolResultBlock(id, Text: null, blocks));
        return null;
    }

    /// <summary>
    /// A reasoning item Relay produced carries Claude's thinking block in its envelope and is restored exactly.
    /// Any other reasoning item (OpenAI's encrypted reasoning, or one without <c>encrypted_content</c>) is left out:
    /// it is the model's private scratch work, never shown as an answer, that no Claude model can read — and
    /// refusing it would make every conversation begun on an OpenAI account unusable on a Claude account.
    /// </summary>
    private static TranslationError? ConvertReasoning(JsonElement item, string path, AnthropicConversation conversation)
    {
        string? encrypted = Json.String(item, "encrypted_content");
        if (!ReasoningEnvelope.IsRelays(encrypted))
        {
            return null;
        }

        if (!ReasoningEnvelope.TryDecode(encrypted!, out var block))
        {
            return new TranslationError(path + ".encrypted_content", "carries Relay's reasoning format but is damaged; send the item exactly as it was received.");
        }

        conversation.Add("assistant", new RestoredThinkingBlock(block!));
        return null;
    }
}
