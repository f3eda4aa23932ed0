using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Translation.Chat;

namespace Relay.Protocols.Translation.MessagesResponses;

/// <summary>
/// Anthropic Messages request → OpenAI Responses request, for Claude Code (and the Anthropic SDKs) served from an
/// OpenAI account that serves only <c>responses</c>. Stateless: always <c>store: false</c>, the whole history is sent
/// as input items. Mapping, refusals and defaults: docs/translation-responses.md, "Messages ⇄ Responses".
/// </summary>
public static class MessagesToResponsesRequest
{
    /// <summary>OpenAI's longest <c>safety_identifier</c>; longer Anthropic user ids are sent as their SHA-256 (hex, 64 characters).</summary>
    public const int SafetyIdentifierMaxLength = 64;

    /// <summary>Translates a Messages request body.</summary>
    /// <param name="messagesJson">The Anthropic request.</param>
    /// <param name="upstreamModel">The model to send (the account's mapping); null keeps the client's <c>model</c>.</param>
    public static Translated Translate(ReadOnlySpan<byte> messagesJson, string? upstreamModel)
    {
        try
        {
            using var document = JsonDocument.Parse(messagesJson.ToArray(), ResponsesJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationRefusal("body", "Request body must be a JSON object.");
            }

            var buffer = new ArrayBufferWriter<byte>(messagesJson.Length + 256);
            using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
            {
                Write(root, upstreamModel, writer);
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (JsonException)
        {
            return Translated.Refused("body", "Request body is not valid JSON.");
        }
        catch (TranslationRefusal refusal)
        {
            return Translated.Refused(refusal.Field, refusal.Message);
        }
    }

    private static void Write(JsonElement root, string? upstreamModel, Utf8JsonWriter w)
    {
        foreach (var field in (ReadOnlySpan<string>)["top_k", "container", "mcp_servers"])
        {
            if (root.TryGetProperty(field, out var value) && !JsonValues.IsAbsent(value))
            {
                throw new TranslationRefusal(field, "has no Responses API equivalent.");
            }
        }

        // Responses has no stop sequences. Dropping them would let the model write past the point the caller asked
        // it to stop at, so a non-empty list is refused (Claude Code does not send any; an empty list is accepted).
        if (root.TryGetProperty("stop_sequences", out var stop) && !JsonValues.IsAbsent(stop) && JsonValues.Array(stop, "stop_sequences").GetArrayLength() > 0)
        {
            throw new TranslationRefusal("stop_sequences", "the Responses API has no stop sequences; this OpenAI account cannot honour them.");
        }

        string model = root.TryGetProperty("model", out var m) ? JsonValues.String(m, "model") : throw new TranslationRefusal("model", "is required.");
        w.WriteStartObject();
        w.WriteString("model"u8, upstreamModel ?? model);
        if (Instructions(root) is { } instructions)
        {
            w.WriteString("instructions"u8, instructions);
        }

        w.WriteStartArray("input"u8);
        var messages = root.TryGetProperty("messages", out var list) ? JsonValues.Array(list, "messages") : throw new TranslationRefusal("messages", "is required.");
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            WriteMessage(message, $"messages[{i++}]", w);
        }

        w.WriteEndArray();
        if (root.TryGetProperty("max_tokens", out var max) && !JsonValues.IsAbsent(max))
        {
            w.WriteNumber("max_output_tokens"u8, JsonValues.PositiveInteger(max, "max_tokens"));
        }

        foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p"])
        {
            if (root.TryGetProperty(name, out var value) && !JsonValues.IsAbsent(value))
            {
                w.WriteNumber(name, JsonValues.Number(value, name));
            }
        }

        WriteTools(root, w);
        WriteReasoning(root, w);
        WriteFormat(root, w);
        if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && JsonValues.OptionalString(metadata, "user_id", "metadata.user_id") is { Length: > 0 } user)
        {
            w.WriteString("safety_identifier"u8, SafetyIdentifier(user));
        }

        if (root.TryGetProperty("stream", out var stream) && !JsonValues.IsAbsent(stream) && JsonValues.Boolean(stream, "stream"))
        {
            w.WriteBoolean("stream"u8, true);
        }

        w.WriteBoolean("store"u8, false);
        w.WriteEndObject();
    }

    /// <summary>The user id as sent, or its SHA-256 when longer than OpenAI accepts (Claude Code's ids are longer).</summary>
    public static string SafetyIdentifier(string userId) =>
        userId.Length <= SafetyIdentifierMaxLength ? userId : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId)));

    private static string? Instructions(JsonElement root)
    {
        if (!root.TryGetProperty("system", out var system) || JsonValues.IsAbsent(system))
        {
            return null;
        }

        if (system.ValueKind == JsonValueKind.String)
        {
            return system.GetString();
        }

        // Blocks are joined; cache_control markers are dropped (OpenAI caches prompt prefixes by itself).
        JsonValues.Array(system, "system");
        var text = new StringBuilder();
        int i = 0;
        foreach (var block in system.EnumerateArray())
        {
            string f = $"system[{i++}]";
            if (JsonValues.OptionalString(block, "type", f + ".type") != "text")
            {
                throw new TranslationRefusal(f, "only text blocks can be sent as instructions to an OpenAI account.");
            }

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(JsonValues.OptionalString(block, "text", f + ".text"));
        }

        return text.ToString();
    }

    private static void WriteMessage(JsonElement message, string field, Utf8JsonWriter w)
    {
        JsonValues.Object(message, field);
        string role = message.TryGetProperty("role", out var r) ? JsonValues.String(r, field + ".role") : throw new TranslationRefusal(field + ".role", "is required.");
        if (role is not ("user" or "assistant"))
        {
            throw new TranslationRefusal(field + ".role", $"'{role}' is not a Messages role.");
        }

        var content = message.TryGetProperty("content", out var c) ? c : default;
        if (content.ValueKind == JsonValueKind.String)
        {
            var single = new MessageItem(role);
            single.Text(content.GetString()!);
            single.Flush(w);
            return;
        }

        JsonValues.Array(content, field + ".content");
        var item = new MessageItem(role);
        int i = 0;
        foreach (var block in content.EnumerateArray())
        {
            string f = $"{field}.content[{i++}]";
            JsonValues.Object(block, f);
            switch (JsonValues.OptionalString(block, "type", f + ".type"))
            {
                case "text":
                    item.Text(JsonValues.OptionalString(block, "text", f + ".text") ?? "");
                    break;
                case "image" when role == "user":
                    item.Image(ImageUrl(block, f));
                    break;
                case "thinking" or "redacted_thinking" when role == "assistant":
                    // Dropped, as on Chat accounts: an Anthropic signature means nothing to OpenAI, and OpenAI cannot
                    // take foreign reasoning as input. The visible answer and tool calls carry the conversation.
                    break;
                case "tool_use" when role == "assistant":
                    item.Flush(w);
                    WriteFunctionCall(block, f, w);
                    break;
                case "tool_result" when role == "user":
                    // Items keep the client's order: text before a result stays before it.
                    item.Flush(w);
                    WriteFunctionCallOutput(block, f, w);
                    break;
                case var other:
                    throw new TranslationRefusal(f, $"'{other}' content in a {role} message has no Responses API equivalent.");
            }
        }

        item.Flush(w);
    }

    private static void WriteFunctionCall(JsonElement block, string field, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "function_call"u8);
        w.WriteString("call_id"u8, JsonValues.OptionalString(block, "id", field + ".id") ?? throw new TranslationRefusal(field + ".id", "is required."));
        w.WriteString("name"u8, JsonValues.OptionalString(block, "name", field + ".name") ?? throw new TranslationRefusal(field + ".name", "is required."));
        w.WriteString("arguments"u8, block.TryGetProperty("input", out var input) && !JsonValues.IsAbsent(input) ? JsonValues.Object(input, field + ".input").GetRawText() : "{}");
        w.WriteEndObject();
    }

    private static void WriteFunctionCallOutput(JsonElement block, string field, Utf8JsonWriter w)
    {
        string id = JsonValues.OptionalString(block, "tool_use_id", field + ".tool_use_id") ?? throw new TranslationRefusal(field + ".tool_use_id", "is required.");
        // Responses has no error flag on a function's output; the model learns it from the text (as on Chat).
        string prefix = block.TryGetProperty("is_error", out var isError) && !JsonValues.IsAbsent(isError) && JsonValues.Boolean(isError, field + ".is_error") ? "Error: " : "";
        w.WriteStartObject();
        w.WriteString("type"u8, "function_call_output"u8);
        w.WriteString("call_id"u8, id);
        var content = block.TryGetProperty("content", out var c) ? c : default;
        if (content.ValueKind != JsonValueKind.Array)
        {
            w.WriteString("output"u8, prefix + (JsonValues.IsAbsent(content) ? "" : JsonValues.String(content, field + ".content")));
            w.WriteEndObject();
            return;
        }

        var text = new StringBuilder(prefix);
        var images = new List<string>();
        int i = 0;
        foreach (var part in content.EnumerateArray())
        {
            string f = $"{field}.content[{i++}]";
            switch (JsonValues.OptionalString(part, "type", f + ".type"))
            {
                case "text":
                    text.Append(JsonValues.OptionalString(part, "text", f + ".text"));
                    break;
                case "image":
                    images.Add(ImageUrl(part, f));
                    break;
                case var other:
                    throw new TranslationRefusal(f, $"'{other}' tool result content has no Responses API equivalent.");
            }
        }

        if (images.Count == 0)
        {
            w.WriteString("output"u8, text.ToString());
        }
        else
        {
            // A function's output may be a list of input parts: images a tool returned stay with its result.
            w.WriteStartArray("output"u8);
            if (text.Length > 0)
            {
                WriteInputText(w, text.ToString());
            }

            foreach (var url in images)
            {
                WriteInputImage(w, url);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static string ImageUrl(JsonElement block, string field)
    {
        var source = block.TryGetProperty("source", out var s) ? JsonValues.Object(s, field + ".source") : throw new TranslationRefusal(field + ".source", "is required.");
        return JsonValues.OptionalString(source, "type", field + ".source.type") switch
        {
            "base64" => DataUrl.Build(
                JsonValues.OptionalString(source, "media_type", field + ".source.media_type") ?? "image/png",
                JsonValues.OptionalString(source, "data", field + ".source.data") ?? throw new TranslationRefusal(field + ".source.data", "is required.")),
            "url" => JsonValues.OptionalString(source, "url", field + ".source.url") ?? throw new TranslationRefusal(field + ".source.url", "is required."),
            var other => throw new TranslationRefusal(field + ".source.type", $"'{other}' image sources have no Responses API equivalent."),
        };
    }

    private static void WriteInputText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "input_text"u8);
        w.WriteString("text"u8, text);
        w.WriteEndObject();
    }

    private static void WriteInputImage(Utf8JsonWriter w, string url)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "input_image"u8);
        w.WriteString("image_url"u8, url);
        w.WriteEndObject();
    }

    private static void WriteTools(JsonElement root, Utf8JsonWriter w)
    {
        bool hasTools = root.TryGetProperty("tools", out var tools) && !JsonValues.IsAbsent(tools) && JsonValues.Array(tools, "tools").GetArrayLength() > 0;
        if (hasTools)
        {
            w.WriteStartArray("tools"u8);
            int i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                string f = $"tools[{i++}]";
                JsonValues.Object(tool, f);
                string? type = JsonValues.OptionalString(tool, "type", f + ".type");
                if (type is not (null or "custom"))
                {
                    throw new TranslationRefusal(f + ".type", $"Anthropic server tool '{type}' cannot run on an OpenAI account.");
                }

                w.WriteStartObject();
                w.WriteString("type"u8, "function"u8);
                w.WriteString("name"u8, JsonValues.OptionalString(tool, "name", f + ".name") ?? throw new TranslationRefusal(f + ".name", "is required."));
                if (JsonValues.OptionalString(tool, "description", f + ".description") is { } description)
                {
                    w.WriteString("description"u8, description);
                }

                w.WritePropertyName("parameters"u8);
                if (tool.TryGetProperty("input_schema", out var schema) && !JsonValues.IsAbsent(schema))
                {
                    JsonValues.Object(schema, f + ".input_schema").WriteTo(w);
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteString("type"u8, "object"u8);
                    w.WriteEndObject();
                }

                // Anthropic schemas are not written for strict mode (optional properties, no additionalProperties: false).
                w.WriteBoolean("strict"u8, false);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || JsonValues.IsAbsent(choice))
        {
            return;
        }

        JsonValues.Object(choice, "tool_choice");
        string? kind = JsonValues.OptionalString(choice, "type", "tool_choice.type");
        w.WritePropertyName("tool_choice"u8);
        switch (kind)
        {
            case "auto" or null:
                w.WriteStringValue("auto"u8);
                break;
            case "any":
                w.WriteStringValue("required"u8);
                break;
            case "none":
                w.WriteStringValue("none"u8);
                break;
            case "tool":
                w.WriteStartObject();
                w.WriteString("type"u8, "function"u8);
                w.WriteString("name"u8, JsonValues.OptionalString(choice, "name", "tool_choice.name") ?? throw new TranslationRefusal("tool_choice.name", "is required."));
                w.WriteEndObject();
                break;
            default:
                throw new TranslationRefusal("tool_choice.type", $"'{kind}' is not a Messages tool choice.");
        }

        if (choice.TryGetProperty("disable_parallel_tool_use", out var disable) && !JsonValues.IsAbsent(disable)
            && JsonValues.Boolean(disable, "tool_choice.disable_parallel_tool_use"))
        {
            w.WriteBoolean("parallel_tool_calls"u8, false);
        }
    }

    private static void WriteReasoning(JsonElement root, Utf8JsonWriter w)
    {
        if (!root.TryGetProperty("thinking", out var thinking) || JsonValues.IsAbsent(thinking))
        {
            return;
        }

        JsonValues.Object(thinking, "thinking");
        string? effort = JsonValues.OptionalString(thinking, "type", "thinking.type") switch
        {
            "enabled" => ReasoningBudgets.EffortFor(thinking.TryGetProperty("budget_tokens", out var budget) && !JsonValues.IsAbsent(budget)
                ? JsonValues.PositiveInteger(budget, "thinking.budget_tokens")
                : ReasoningBudgets.Minimum),
            "adaptive" => "medium",
            _ => null,
        };
        if (effort is null)
        {
            // "disabled": the account's default effort applies (OpenAI's reasoning models always reason somewhat).
            return;
        }

        w.WriteStartObject("reasoning"u8);
        w.WriteString("effort"u8, effort);
        // The summary is what becomes the client's thinking block.
        w.WriteString("summary"u8, "auto"u8);
        w.WriteEndObject();
    }

    private static void WriteFormat(JsonElement root, Utf8JsonWriter w)
    {
        if (!root.TryGetProperty("output_config", out var config) || config.ValueKind != JsonValueKind.Object
            || !config.TryGetProperty("format", out var format) || JsonValues.IsAbsent(format))
        {
            return;
        }

        if (format.ValueKind != JsonValueKind.Object || JsonValues.OptionalString(format, "type", "output_config.format.type") != "json_schema"
            || !format.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationRefusal("output_config.format", "only a json_schema format can be sent to an OpenAI account.");
        }

        w.WriteStartObject("text"u8);
        w.WriteStartObject("format"u8);
        w.WriteString("type"u8, "json_schema"u8);
        w.WriteString("name"u8, "output"u8);
        w.WritePropertyName("schema"u8);
        schema.WriteTo(w);
        w.WriteBoolean("strict"u8, true);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Collects consecutive text and image parts of one role into one message item.</summary>
    private sealed class MessageItem(string role)
    {
        private readonly List<(bool Image, string Value)> _parts = [];

        public void Text(string text) => _parts.Add((false, text));

        public void Image(string url) => _parts.Add((true, url));

        public void Flush(Utf8JsonWriter w)
        {
            if (_parts.Count == 0)
            {
                return;
            }

            w.WriteStartObject();
            w.WriteString("type"u8, "message"u8);
            w.WriteString("role"u8, role);
            w.WriteStartArray("content"u8);
            foreach (var (image, value) in _parts)
            {
                if (image)
                {
                    WriteInputImage(w, value);
                }
                else if (role == "assistant")
                {
                    w.WriteStartObject();
                    w.WriteString("type"u8, "output_text"u8);
                    w.WriteString("text"u8, value);
                    w.WriteEndObject();
                }
                else
                {
                    WriteInputText(w, value);
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
            _parts.Clear();
        }
    }
}
