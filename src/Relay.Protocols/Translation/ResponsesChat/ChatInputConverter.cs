using System.Text.Json;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// Turns the Responses <c>input</c> (a string, or the item list Codex resends whole every turn) into Chat messages.
/// URLs are handed to the host as URLs; Relay never fetches a URL from a request body.
/// </summary>
internal static class ChatInputConverter
{
    public static TranslationError? Convert(JsonElement input, ChatConversation conversation, bool keepReasoning)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            conversation.AddUser([new ChatPart("text", input.GetString())]);
            return null;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return new TranslationError("input", "must be a string or an array of input items.");
        }

        int index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var error = ConvertItem(item, $"input[{index++}]", conversation, keepReasoning);
            if (error is not null)
            {
                return error;
            }
        }

        conversation.Finish();
        return null;
    }

    private static TranslationError? ConvertItem(JsonElement item, string path, ChatConversation conversation, bool keepReasoning)
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
            "reasoning" => ConvertReasoning(item, path, conversation, keepReasoning),

            // A record of a search OpenAI ran in an earlier turn; its findings are in the assistant message that follows.
            "web_search_call" => null,
            "item_reference" => new TranslationError(path + ".type", "item references point into OpenAI's conversation store, which a Chat Completions account cannot read; send the items themselves."),
            "compaction" or "compaction_summary" => new TranslationError(path + ".type", "a compaction item is OpenAI-encrypted history that a Chat Completions account cannot read; start a new conversation."),
            _ => new TranslationError(path + ".type", $"input item type '{type}' cannot be sent to a Chat Completions account."),
        };
    }

    private static TranslationError? ConvertMessage(JsonElement item, string path, ChatConversation conversation)
    {
        string? role = Json.String(item, "role");
        if (role is not ("user" or "assistant" or "system" or "developer"))
        {
            return new TranslationError(path + ".role", "must be one of user, assistant, system, developer.");
        }

        var parts = new List<ChatPart>();
        var error = ConvertContent(item.TryGetProperty("content", out var content) ? content : default, path + ".content", parts);
        if (error is not null)
        {
            return error;
        }

        switch (role)
        {
            case "system" or "developer":
                // "developer" is OpenAI's newer name for the system role; DeepSeek, vLLM and Ollama know only "system".
                if (parts.Find(p => p.Type != "text") is not null)
                {
                    return new TranslationError(path + ".content", "a system or developer message can carry only text on a Chat Completions account.");
                }

                conversation.AddSystem(string.Join('\n', parts.Select(p => p.Text)));
                return null;
            case "assistant":
                if (parts.Find(p => p.Type != "text") is not null)
                {
                    return new TranslationError(path + ".content", "an assistant message can carry only text on a Chat Completions account.");
                }

                conversation.AddAssistantText(parts);
                return null;
            default:
                conversation.AddUser(parts);
                return null;
        }
    }

    private static TranslationError? ConvertFunctionCall(JsonElement item, string path, ChatConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId || Json.String(item, "name") is not { } name)
        {
            return new TranslationError(path, "a function_call needs call_id and name.");
        }

        // A call of a tool inside a namespace names the flat tool the host was offered (see ChatRequestFields.ReadTools).
        name = ResponsesToolConverter.FlatName(item, name);

        // Chat carries arguments as JSON text too: passed on as written ("" means no arguments).
        string arguments = Json.String(item, "arguments") is { Length: > 0 } text ? text : "{}";
        conversation.AddToolCall(new ChatToolCall(callId, name, arguments));
        return null;
    }

    /// <summary>A free-form call as the function call the host made: its text under the tool's one property.</summary>
    private static TranslationError? ConvertCustomToolCall(JsonElement item, string path, ChatConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId || Json.String(item, "name") is not { } name)
        {
            return new TranslationError(path, "a custom_tool_call needs call_id and name.");
        }

        name = ResponsesToolConverter.FlatName(item, name);
        conversation.AddToolCall(new ChatToolCall(callId, name, FreeformArguments(Json.String(item, "input") ?? "")));
        return null;
    }

    /// <summary><c>{"input": text}</c> as JSON text.</summary>
    internal static string FreeformArguments(string text)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(text.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, Relay.Protocols.OpenAI.Responses.ResponsesJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(FreeformTool.InputProperty, text);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static TranslationError? ConvertToolOutput(JsonElement item, string path, ChatConversation conversation)
    {
        if (Json.String(item, "call_id") is not { } callId)
        {
            return new TranslationError(path + ".call_id", "is required.");
        }

        if (!Json.TryGet(item, "output", out var output) || output.ValueKind == JsonValueKind.String)
        {
            conversation.AddToolOutput(callId, output.ValueKind == JsonValueKind.String ? output.GetString()! : "", []);
            return null;
        }

        var parts = new List<ChatPart>();
        var error = ConvertContent(output, path + ".output", parts);
        if (error is not null)
        {
            return error;
        }

        if (parts.Exists(p => p.Type == "file"))
        {
            return new TranslationError(path + ".output", "a tool result can carry text and images on a Chat Completions account, not files.");
        }

        string text = string.Join('\n', parts.Where(p => p.Type == "text").Select(p => p.Text));
        conversation.AddToolOutput(callId, text, parts.FindAll(p => p.Type == "image_url"));
        return null;
    }

    /// <summary>
    /// Reasoning a Chat host produced (Relay's <see cref="ChatReasoningEnvelope"/>) goes back as <c>reasoning_content</c>
    /// when the options ask for it. Any other reasoning item — OpenAI's encrypted reasoning, Claude's thinking in
    /// Relay's Anthropic envelope, one without <c>encrypted_content</c> — is left out: no Chat host can read another
    /// model's private scratch work, it is never part of the answer, and refusing it would strand every conversation
    /// that began on another account.
    /// </summary>
    private static TranslationError? ConvertReasoning(JsonElement item, string path, ChatConversation conversation, bool keepReasoning)
    {
        string? encrypted = Json.String(item, "encrypted_content");
        if (encrypted is null || !encrypted.StartsWith(ChatReasoningEnvelope.Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        if (!ChatReasoningEnvelope.TryDecode(encrypted, out string reasoning))
        {
            return new TranslationError(path + ".encrypted_content", "carries Relay's reasoning format but is damaged; send the item exactly as it was received.");
        }

        if (keepReasoning)
        {
            conversation.AddReasoning(reasoning);
        }

        return null;
    }

    /// <summary>Content parts (or a string) as Chat parts; empty text is left out.</summary>
    private static TranslationError? ConvertContent(JsonElement content, string path, List<ChatPart> parts)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            AddText(content.GetString(), parts);
            return null;
        }

        if (content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return new TranslationError(path, "must be a string or an array of content parts.");
        }

        int index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var error = ConvertPart(part, $"{path}[{index++}]", parts);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static TranslationError? ConvertPart(JsonElement part, string path, List<ChatPart> parts)
    {
        string? type = Json.String(part, "type");
        switch (type)
        {
            case "input_text" or "output_text" or "text" or "summary_text":
                AddText(Json.String(part, "text"), parts);
                return null;
            case "refusal":
                AddText(Json.String(part, "refusal"), parts);
                return null;
            case "input_image":
                if (Json.String(part, "file_id") is not null)
                {
                    return new TranslationError(path + ".file_id", "images stored in OpenAI's file store cannot be sent to a Chat Completions account; send the image as a data URL.");
                }

                string? url = Json.String(part, "image_url");
                if (url is null || !(url.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase) || IsHttpUrl(url)))
                {
                    return new TranslationError(path + ".image_url", "must be an image data URL or an http(s) URL.");
                }

                string? detail = Json.String(part, "detail");
                parts.Add(new ChatPart("image_url", Url: url, Detail: detail is "low" or "high" ? detail : null));
                return null;
            case "input_file":
                if (Json.String(part, "file_data") is not { } fileData)
                {
                    return new TranslationError(path, "a file must be given inline as file_data on a Chat Completions account; file ids and file URLs cannot be sent.");
                }

                parts.Add(new ChatPart("file", FileData: fileData, FileName: Json.String(part, "filename")));
                return null;
            default:
                return new TranslationError(path + ".type", $"content part type '{type}' cannot be sent to a Chat Completions account.");
        }
    }

    private static void AddText(string? text, List<ChatPart> parts)
    {
        if (!string.IsNullOrEmpty(text))
        {
            parts.Add(new ChatPart("text", text));
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
