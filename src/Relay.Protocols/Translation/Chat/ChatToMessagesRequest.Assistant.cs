using Relay.Protocols.OpenAI.Chat;
using System.Text;
using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

public static partial class ChatToMessagesRequest
{
    private static List<Action<Utf8JsonWriter>> AssistantBlocks(JsonElement message, string field)
    {
        if (message.TryGetProperty("function_call", out var legacy) && !JsonValues.IsAbsent(legacy))
        {
            throw new TranslationRefusal(field + ".function_call", "the legacy function-calling fields are not translated; use tool_calls.");
        }

        if (message.TryGetProperty("audio", out var audio) && !JsonValues.IsAbsent(audio))
        {
            throw new TranslationRefusal(field + ".audio", "audio answers cannot be replayed to an Anthropic account.");
        }

        // Thinking first: Anthropic requires an assistant turn's thinking blocks before its text and tool_use.
        var blocks = ThinkingBlocks(message, field);
        if (message.TryGetProperty("content", out var content) && !JsonValues.IsAbsent(content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                string text = content.GetString()!;
                if (text.Length > 0)
                {
                    // Anthropic rejects empty text blocks, and clients send "" beside tool calls.
                    blocks.Add(w => WriteText(w, text, default));
                }
            }
            else
            {
                JsonValues.Array(content, field + ".content");
                int j = 0;
                foreach (var part in content.EnumerateArray())
                {
                    AddAssistantPart(part, $"{field}.content[{j++}]", blocks);
                }
            }
        }

        if (message.TryGetProperty("tool_calls", out var calls) && !JsonValues.IsAbsent(calls))
        {
            JsonValues.Array(calls, field + ".tool_calls");
            int k = 0;
            foreach (var call in calls.EnumerateArray())
            {
                blocks.Add(ToolUse(call, $"{field}.tool_calls[{k++}]"));
            }
        }

        return blocks;
    }

    private static void AddAssistantPart(JsonElement part, string field, List<Action<Utf8JsonWriter>> blocks)
    {
        JsonValues.Object(part, field);
        string type = part.TryGetProperty("type", out var t) ? JsonValues.String(t, field + ".type") : throw new TranslationRefusal(field + ".type", "is required.");
        string key = type switch
        {
            "text" => "text",
            "refusal" => "refusal",
            _ => throw new TranslationRefusal(field + ".type", $"'{type}' content is not translated in assistant messages."),
        };
        string text = part.TryGetProperty(key, out var x) ? JsonValues.String(x, $"{field}.{key}") : "";
        if (text.Length > 0)
        {
            blocks.Add(w => WriteText(w, text, part));
        }
    }

    private static Action<Utf8JsonWriter> ToolUse(JsonElement call, string field)
    {
        JsonValues.Object(call, field);
        string id = call.TryGetProperty("id", out var i) ? JsonValues.String(i, field + ".id") : throw new TranslationRefusal(field + ".id", "is required.");
        var function = call.TryGetProperty("function", out var f) ? JsonValues.Object(f, field + ".function") : throw new TranslationRefusal(field + ".function", "is required.");
        string name = function.TryGetProperty("name", out var n) ? JsonValues.String(n, field + ".function.name") : throw new TranslationRefusal(field + ".function.name", "is required.");
        string arguments = JsonValues.OptionalString(function, "arguments", field + ".function.arguments") ?? "";
        JsonElement? input = null;
        if (!string.IsNullOrWhiteSpace(arguments))
        {
            try
            {
                // Clone: an owned copy that needs no disposal if a later field refuses the request.
                using var parsed = JsonDocument.Parse(arguments, ChatJson.DocumentOptions);
                input = parsed.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new TranslationRefusal(field + ".function.arguments", "is not valid JSON.");
            }

            if (input.Value.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationRefusal(field + ".function.arguments", "must be a JSON object (Anthropic tool input is an object).");
            }
        }

        return w =>
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "tool_use"u8);
            w.WriteString("id"u8, id);
            w.WriteString("name"u8, name);
            w.WritePropertyName("input"u8);
            if (input is { } value)
            {
                value.WriteTo(w);
            }
            else
            {
                // Clients send "" for a call without arguments.
                w.WriteStartObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        };
    }

    /// <summary>
    /// The signed thinking of a previous assistant turn, from <c>reasoning_details</c> (OpenRouter's array, which
    /// Relay writes) or LiteLLM's <c>thinking_blocks</c>. Entries sharing an <c>index</c> are one block (clients
    /// that keep streamed deltas unmerged send a block in pieces). Unsigned text (plain <c>reasoning_content</c>,
    /// or reasoning in another provider's <c>format</c>) is dropped: Anthropic accepts only thinking it signed.
    /// </summary>
    private static List<Action<Utf8JsonWriter>> ThinkingBlocks(JsonElement message, string field)
    {
        var blocks = new List<Action<Utf8JsonWriter>>();
        if (message.TryGetProperty("reasoning_details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in MergeReasoningDetails(details, field + ".reasoning_details"))
            {
                if (block.RedactedData is { } data)
                {
                    blocks.Add(w => WriteRedactedThinking(w, data));
                }
                else if (block.Signature is { Length: > 0 } signature)
                {
                    string text = block.Text.ToString();
                    blocks.Add(w => WriteThinking(w, text, signature));
                }
            }

            return blocks;
        }

        if (message.TryGetProperty("thinking_blocks", out var thinking) && thinking.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in thinking.EnumerateArray())
            {
                string f = $"{field}.thinking_blocks[{i++}]";
                JsonValues.Object(item, f);
                string? type = JsonValues.OptionalString(item, "type", f + ".type");
                if (type == "redacted_thinking" && JsonValues.OptionalString(item, "data", f + ".data") is { } data)
                {
                    blocks.Add(w => WriteRedactedThinking(w, data));
                }
                else if (type == "thinking" && JsonValues.OptionalString(item, "signature", f + ".signature") is { Length: > 0 } signature)
                {
                    string text = JsonValues.OptionalString(item, "thinking", f + ".thinking") ?? "";
                    blocks.Add(w => WriteThinking(w, text, signature));
                }
            }
        }

        return blocks;
    }

    private sealed class ReasoningBlock
    {
        public StringBuilder Text { get; } = new();

        public string? Signature { get; set; }

        public string? RedactedData { get; set; }
    }

    private static List<ReasoningBlock> MergeReasoningDetails(JsonElement details, string field)
    {
        var ordered = new List<ReasoningBlock>();
        var byIndex = new Dictionary<long, ReasoningBlock>();
        int i = 0;
        foreach (var detail in details.EnumerateArray())
        {
            string f = $"{field}[{i++}]";
            JsonValues.Object(detail, f);
            string? format = JsonValues.OptionalString(detail, "format", f + ".format");
            if (format is not null && format != ReasoningDetails.AnthropicFormat)
            {
                continue;
            }

            string? type = JsonValues.OptionalString(detail, "type", f + ".type");
            if (type is not (ReasoningDetails.TextType or ReasoningDetails.EncryptedType))
            {
                continue;
            }

            ReasoningBlock block;
            if (detail.TryGetProperty("index", out var index) && index.TryGetInt64(out long key))
            {
                if (!byIndex.TryGetValue(key, out block!))
                {
                    block = byIndex[key] = new ReasoningBlock();
                    ordered.Add(block);
                }
            }
            else
            {
                block = new ReasoningBlock();
                ordered.Add(block);
            }

            if (type == ReasoningDetails.EncryptedType)
            {
                block.RedactedData = JsonValues.OptionalString(detail, "data", f + ".data") ?? block.RedactedData;
                continue;
            }

            block.Text.Append(JsonValues.OptionalString(detail, "text", f + ".text"));
            block.Signature = JsonValues.OptionalString(detail, "signature", f + ".signature") ?? block.Signature;
        }

        return ordered;
    }

    private static void WriteThinking(Utf8JsonWriter writer, string text, string signature)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "thinking"u8);
        writer.WriteString("thinking"u8, text);
        writer.WriteString("signature"u8, signature);
        writer.WriteEndObject();
    }

    private static void WriteRedactedThinking(Utf8JsonWriter writer, string data)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "redacted_thinking"u8);
        writer.WriteString("data"u8, data);
        writer.WriteEndObject();
    }
}
