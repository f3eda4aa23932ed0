using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// Anthropic Messages request → Chat Completions request, for Claude Code (and the Anthropic SDKs) served from an
/// OpenAI-compatible account. Mapping, refusals and defaults: docs/translation.md.
/// </summary>
public static class MessagesToChatRequest
{
    /// <summary>Translates a Messages request body. A streamed request always asks for usage (<c>stream_options.include_usage</c>).</summary>
    /// <param name="messagesRequestJson">The Anthropic request.</param>
    /// <param name="keepReasoningContent">
    /// Replay earlier thinking as <c>reasoning_content</c> on assistant messages. DeepSeek and Kimi require it in tool
    /// loops with thinking; OpenAI itself does not read it. Off by default: Anthropic signatures mean nothing to an
    /// OpenAI-compatible host, so thinking blocks are otherwise dropped from history.
    /// </param>
    /// <param name="upstreamModel">The model to write (the account's mapping); null keeps the client's.</param>
    public static Translated Translate(ReadOnlySpan<byte> messagesRequestJson, bool keepReasoningContent = false, string? upstreamModel = null)
    {
        try
        {
            using var document = JsonDocument.Parse(messagesRequestJson.ToArray(), ChatJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationRefusal("body", "Request body must be a JSON object.");
            }

            var buffer = new ArrayBufferWriter<byte>(messagesRequestJson.Length + 256);
            using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
            {
                Write(root, keepReasoningContent, upstreamModel, writer);
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

    private static void Write(JsonElement root, bool keepReasoning, string? upstreamModel, Utf8JsonWriter w)
    {
        foreach (var field in (ReadOnlySpan<string>)["top_k", "container", "mcp_servers"])
        {
            if (root.TryGetProperty(field, out var value) && !JsonValues.IsAbsent(value))
            {
                throw new TranslationRefusal(field, "has no Chat Completions equivalent.");
            }
        }

        w.WriteStartObject();
        var clientModel = root.TryGetProperty("model", out var model) ? JsonValues.String(model, "model") : throw new TranslationRefusal("model", "is required.");
        w.WriteString("model"u8, upstreamModel ?? clientModel);
        w.WriteStartArray("messages"u8);
        WriteSystem(root, w);
        var messages = root.TryGetProperty("messages", out var m) ? JsonValues.Array(m, "messages") : throw new TranslationRefusal("messages", "is required.");
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            WriteMessage(message, $"messages[{i++}]", keepReasoning, w);
        }

        w.WriteEndArray();
        if (root.TryGetProperty("max_tokens", out var max) && !JsonValues.IsAbsent(max))
        {
            // max_completion_tokens: OpenAI's reasoning models reject the older max_tokens.
            w.WriteNumber("max_completion_tokens"u8, JsonValues.PositiveInteger(max, "max_tokens"));
        }

        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("top_p", "top_p")])
        {
            if (root.TryGetProperty(from, out var value) && !JsonValues.IsAbsent(value))
            {
                JsonValues.Number(value, from);
                w.WritePropertyName(to);
                value.WriteTo(w);
            }
        }

        if (root.TryGetProperty("stop_sequences", out var stop) && stop.ValueKind == JsonValueKind.Array && stop.GetArrayLength() > 0)
        {
            w.WritePropertyName("stop"u8);
            stop.WriteTo(w);
        }

        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            w.WriteBoolean("stream"u8, true);
            w.WriteStartObject("stream_options"u8);
            w.WriteBoolean("include_usage"u8, true);
            w.WriteEndObject();
        }

        WriteTools(root, w);
        WriteReasoning(root, w);
        w.WriteEndObject();
    }

    private static void WriteSystem(JsonElement root, Utf8JsonWriter w)
    {
        if (!root.TryGetProperty("system", out var system) || JsonValues.IsAbsent(system))
        {
            return;
        }

        // Blocks are joined into one system message: many OpenAI-compatible hosts accept only string system content.
        // cache_control markers are dropped: OpenAI caches prompt prefixes automatically.
        string text = system.ValueKind == JsonValueKind.String ? system.GetString()! : JoinText(system, "system");
        w.WriteStartObject();
        w.WriteString("role"u8, "system"u8);
        w.WriteString("content"u8, text);
        w.WriteEndObject();
    }

    private static string JoinText(JsonElement blocks, string field)
    {
        JsonValues.Array(blocks, field);
        var text = new StringBuilder();
        int i = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            string f = $"{field}[{i++}]";
            if (JsonValues.OptionalString(block, "type", f + ".type") != "text")
            {
                throw new TranslationRefusal(f, "only text blocks can be sent here to an OpenAI-compatible account.");
            }

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            text.Append(JsonValues.OptionalString(block, "text", f + ".text"));
        }

        return text.ToString();
    }

    private static void WriteMessage(JsonElement message, string field, bool keepReasoning, Utf8JsonWriter w)
    {
        JsonValues.Object(message, field);
        string role = message.TryGetProperty("role", out var r) ? JsonValues.String(r, field + ".role") : throw new TranslationRefusal(field + ".role", "is required.");
        var content = message.TryGetProperty("content", out var c) ? c : default;
        if (role == "assistant")
        {
            WriteAssistant(content, field, keepReasoning, w);
        }
        else if (role == "user")
        {
            WriteUser(content, field, w);
        }
        else
        {
            throw new TranslationRefusal(field + ".role", $"'{role}' is not a Messages role.");
        }
    }

    private static void WriteUser(JsonElement content, string field, Utf8JsonWriter w)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteSimple(w, "user", content.GetString()!);
            return;
        }

        JsonValues.Array(content, field + ".content");
        // Tool results become tool messages, which must directly follow the assistant's tool calls; the rest of
        // the user content (and images returned by tools, which tool messages cannot hold) follows as one user message.
        var rest = new List<(JsonElement Block, string Field)>();
        int i = 0;
        foreach (var block in content.EnumerateArray())
        {
            string f = $"{field}.content[{i++}]";
            if (JsonValues.OptionalString(block, "type", f + ".type") == "tool_result")
            {
                WriteToolMessage(block, f, w, rest);
            }
            else
            {
                rest.Add((block, f));
            }
        }

        if (rest.Count == 0)
        {
            return;
        }

        w.WriteStartObject();
        w.WriteString("role"u8, "user"u8);
        w.WriteStartArray("content"u8);
        foreach (var (block, f) in rest)
        {
            WritePart(block, f, w);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteToolMessage(JsonElement block, string field, Utf8JsonWriter w, List<(JsonElement, string)> images)
    {
        string id = JsonValues.OptionalString(block, "tool_use_id", field + ".tool_use_id") ?? throw new TranslationRefusal(field + ".tool_use_id", "is required.");
        var text = new StringBuilder();
        if (block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
        {
            // Chat has no error flag on tool results; the model learns it from the text.
            text.Append("Error: ");
        }

        if (block.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (var part in content.EnumerateArray())
                {
                    string f = $"{field}.content[{i++}]";
                    string? type = JsonValues.OptionalString(part, "type", f + ".type");
                    if (type == "text")
                    {
                        text.Append(JsonValues.OptionalString(part, "text", f + ".text"));
                    }
                    else if (type == "image")
                    {
                        images.Add((part, f));
                    }
                    else
                    {
                        throw new TranslationRefusal(f, $"'{type}' tool result content has no Chat equivalent.");
                    }
                }
            }
        }

        w.WriteStartObject();
        w.WriteString("role"u8, "tool"u8);
        w.WriteString("tool_call_id"u8, id);
        w.WriteString("content"u8, text.ToString());
        w.WriteEndObject();
    }

    private static void WritePart(JsonElement block, string field, Utf8JsonWriter w)
    {
        string? type = JsonValues.OptionalString(block, "type", field + ".type");
        if (type == "text")
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, JsonValues.OptionalString(block, "text", field + ".text") ?? "");
            w.WriteEndObject();
            return;
        }

        if (type != "image")
        {
            throw new TranslationRefusal(field, $"'{type}' content has no Chat equivalent.");
        }

        var source = block.TryGetProperty("source", out var s) ? JsonValues.Object(s, field + ".source") : throw new TranslationRefusal(field + ".source", "is required.");
        string url = JsonValues.OptionalString(source, "type", field + ".source.type") switch
        {
            "base64" => DataUrl.Build(JsonValues.OptionalString(source, "media_type", field + ".source.media_type") ?? "image/png", JsonValues.OptionalString(source, "data", field + ".source.data") ?? ""),
            "url" => JsonValues.OptionalString(source, "url", field + ".source.url") ?? "",
            var other => throw new TranslationRefusal(field + ".source.type", $"'{other}' image sources have no Chat equivalent."),
        };
        w.WriteStartObject();
        w.WriteString("type"u8, "image_url"u8);
        w.WriteStartObject("image_url"u8);
        w.WriteString("url"u8, url);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteAssistant(JsonElement content, string field, bool keepReasoning, Utf8JsonWriter w)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteSimple(w, "assistant", content.GetString()!);
            return;
        }

        JsonValues.Array(content, field + ".content");
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<JsonElement>();
        int i = 0;
        foreach (var block in content.EnumerateArray())
        {
            string f = $"{field}.content[{i++}]";
            switch (JsonValues.OptionalString(block, "type", f + ".type"))
            {
                case "text":
                    text.Append(JsonValues.OptionalString(block, "text", f + ".text"));
                    break;
                case "thinking":
                    reasoning.Append(JsonValues.OptionalString(block, "thinking", f + ".thinking"));
                    break;
                case "redacted_thinking":
                    break;
                case "tool_use":
                    calls.Add(block);
                    break;
                case var other:
                    throw new TranslationRefusal(f, $"'{other}' content has no Chat equivalent.");
            }
        }

        w.WriteStartObject();
        w.WriteString("role"u8, "assistant"u8);
        if (text.Length > 0 || calls.Count == 0)
        {
            w.WriteString("content"u8, text.ToString());
        }
        else
        {
            w.WriteNull("content"u8);
        }

        if (keepReasoning && reasoning.Length > 0)
        {
            w.WriteString("reasoning_content"u8, reasoning.ToString());
        }

        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls"u8);
            foreach (var call in calls)
            {
                w.WriteStartObject();
                w.WriteString("id"u8, call.TryGetProperty("id", out var id) ? id.GetString() : "");
                w.WriteString("type"u8, "function"u8);
                w.WriteStartObject("function"u8);
                w.WriteString("name"u8, call.TryGetProperty("name", out var name) ? name.GetString() : "");
                w.WriteString("arguments"u8, call.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void WriteSimple(Utf8JsonWriter w, string role, string content)
    {
        w.WriteStartObject();
        w.WriteString("role"u8, role);
        w.WriteString("content"u8, content);
        w.WriteEndObject();
    }

    private static void WriteTools(JsonElement root, Utf8JsonWriter w)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return;
        }

        w.WriteStartArray("tools"u8);
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string f = $"tools[{i++}]";
            string? type = JsonValues.OptionalString(tool, "type", f + ".type");
            if (type is not (null or "custom"))
            {
                throw new TranslationRefusal(f + ".type", $"Anthropic server tool '{type}' cannot run on an OpenAI-compatible account.");
            }

            w.WriteStartObject();
            w.WriteString("type"u8, "function"u8);
            w.WriteStartObject("function"u8);
            w.WriteString("name"u8, JsonValues.OptionalString(tool, "name", f + ".name") ?? throw new TranslationRefusal(f + ".name", "is required."));
            if (JsonValues.OptionalString(tool, "description", f + ".description") is { } description)
            {
                w.WriteString("description"u8, description);
            }

            if (tool.TryGetProperty("input_schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
            {
                w.WritePropertyName("parameters"u8);
                schema.WriteTo(w);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (root.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object)
        {
            string? type = JsonValues.OptionalString(choice, "type", "tool_choice.type");
            w.WritePropertyName("tool_choice"u8);
            switch (type)
            {
                case "any":
                    w.WriteStringValue("required"u8);
                    break;
                case "none":
                    w.WriteStringValue("none"u8);
                    break;
                case "tool":
                    w.WriteStartObject();
                    w.WriteString("type"u8, "function"u8);
                    w.WriteStartObject("function"u8);
                    w.WriteString("name"u8, JsonValues.OptionalString(choice, "name", "tool_choice.name"));
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStringValue("auto"u8);
                    break;
            }

            if (choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind == JsonValueKind.True)
            {
                w.WriteBoolean("parallel_tool_calls"u8, false);
            }
        }
    }

    private static void WriteReasoning(JsonElement root, Utf8JsonWriter w)
    {
        if (root.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Object
            && JsonValues.OptionalString(thinking, "type", "thinking.type") == "enabled"
            && thinking.TryGetProperty("budget_tokens", out var budget) && budget.TryGetInt64(out long tokens))
        {
            w.WriteString("reasoning_effort"u8, ReasoningBudgets.EffortFor(tokens));
        }

        // output_config.format constrains the answer to a schema: Chat's response_format json_schema does the same.
        if (root.TryGetProperty("output_config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object)
        {
            if (JsonValues.OptionalString(format, "type", "output_config.format.type") != "json_schema"
                || !format.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationRefusal("output_config.format", "only a json_schema format can be sent to an OpenAI-compatible account.");
            }

            w.WriteStartObject("response_format"u8);
            w.WriteString("type"u8, "json_schema"u8);
            w.WriteStartObject("json_schema"u8);
            w.WriteString("name"u8, "output"u8);
            w.WritePropertyName("schema"u8);
            schema.WriteTo(w);
            w.WriteBoolean("strict"u8, true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }
}
