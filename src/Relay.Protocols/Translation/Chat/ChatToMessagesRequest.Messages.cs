using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

public static partial class ChatToMessagesRequest
{
    private static AnthropicConversation ReadConversation(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new TranslationRefusal("messages", "is required and must be a non-empty array.");
        }

        var conversation = new AnthropicConversation();
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string field = $"messages[{i++}]";
            JsonValues.Object(message, field);
            string role = message.TryGetProperty("role", out var r) ? JsonValues.String(r, field + ".role") : throw new TranslationRefusal(field + ".role", "is required.");
            switch (role)
            {
                case "system" or "developer":
                    // Anthropic has one system prompt; system messages anywhere in the conversation join it in order
                    // (developer is OpenAI's newer name for system).
                    foreach (var block in Parts(message, field, textOnly: true))
                    {
                        conversation.AddSystem(block);
                    }

                    break;
                case "user":
                    conversation.Add("user", Parts(message, field, textOnly: false));
                    break;
                case "assistant":
                    conversation.Add("assistant", AssistantBlocks(message, field));
                    break;
                case "tool":
                    conversation.AddToolResult(ToolResult(message, field));
                    break;
                default:
                    throw new TranslationRefusal(field + ".role", $"'{role}' messages are not translated (the legacy function role included).");
            }
        }

        return conversation;
    }

    private static List<Action<Utf8JsonWriter>> Parts(JsonElement message, string field, bool textOnly)
    {
        var blocks = new List<Action<Utf8JsonWriter>>();
        if (!message.TryGetProperty("content", out var content) || JsonValues.IsAbsent(content))
        {
            return blocks;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            string text = content.GetString()!;
            blocks.Add(w => WriteText(w, text, default));
            return blocks;
        }

        JsonValues.Array(content, field + ".content");
        int j = 0;
        foreach (var part in content.EnumerateArray())
        {
            blocks.Add(Part(part, $"{field}.content[{j++}]", textOnly));
        }

        return blocks;
    }

    private static Action<Utf8JsonWriter> Part(JsonElement part, string field, bool textOnly)
    {
        JsonValues.Object(part, field);
        string type = part.TryGetProperty("type", out var t) ? JsonValues.String(t, field + ".type") : throw new TranslationRefusal(field + ".type", "is required.");
        if (type == "text")
        {
            string text = part.TryGetProperty("text", out var x) ? JsonValues.String(x, field + ".text") : throw new TranslationRefusal(field + ".text", "is required.");
            return w => WriteText(w, text, part);
        }

        if (textOnly)
        {
            throw new TranslationRefusal(field, $"'{type}' content is not allowed here; only text.");
        }

        return type switch
        {
            "image_url" => ImagePart(part, field),
            "file" => FilePart(part, field),
            "input_audio" => throw new TranslationRefusal(field, "audio input cannot be sent to an Anthropic account."),
            _ => throw new TranslationRefusal(field + ".type", $"'{type}' content is not translated."),
        };
    }

    private static void WriteText(Utf8JsonWriter writer, string text, JsonElement part)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
        if (part.ValueKind == JsonValueKind.Object)
        {
            WriteCacheControl(part, writer);
        }

        writer.WriteEndObject();
    }

    private static Action<Utf8JsonWriter> ImagePart(JsonElement part, string field)
    {
        var image = part.TryGetProperty("image_url", out var i) ? i : throw new TranslationRefusal(field + ".image_url", "is required.");
        string url = image.ValueKind == JsonValueKind.String
            ? image.GetString()!
            : JsonValues.Object(image, field + ".image_url").TryGetProperty("url", out var u)
                ? JsonValues.String(u, field + ".image_url.url")
                : throw new TranslationRefusal(field + ".image_url.url", "is required.");
        if (DataUrl.TryParse(url, out var mediaType, out var data))
        {
            return w => WriteSourceBlock(w, "image", mediaType, data, null, part);
        }

        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            // Anthropic fetches URL sources itself; Relay never does (no server-side fetch of client URLs).
            return w => WriteSourceBlock(w, "image", null, null, url, part);
        }

        throw new TranslationRefusal(field + ".image_url.url", "must be an http(s) URL or a base64 data: URL.");
    }

    private static Action<Utf8JsonWriter> FilePart(JsonElement part, string field)
    {
        var file = part.TryGetProperty("file", out var f) ? JsonValues.Object(f, field + ".file") : throw new TranslationRefusal(field + ".file", "is required.");
        string? fileData = JsonValues.OptionalString(file, "file_data", field + ".file.file_data");
        if (fileData is null)
        {
            throw new TranslationRefusal(field + ".file", "uploaded file ids live in OpenAI's storage; send the file as file_data.");
        }

        if (!DataUrl.TryParse(fileData, out var mediaType, out var data))
        {
            throw new TranslationRefusal(field + ".file.file_data", "must be a base64 data: URL.");
        }

        if (mediaType != "application/pdf")
        {
            throw new TranslationRefusal(field + ".file.file_data", $"'{mediaType}' files cannot be sent to an Anthropic account; only PDF documents.");
        }

        return w => WriteSourceBlock(w, "document", mediaType, data, null, part);
    }

    private static void WriteSourceBlock(Utf8JsonWriter writer, string type, string? mediaType, string? data, string? url, JsonElement part)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteStartObject("source"u8);
        if (url is not null)
        {
            writer.WriteString("type"u8, "url"u8);
            writer.WriteString("url"u8, url);
        }
        else
        {
            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, mediaType);
            writer.WriteString("data"u8, data);
        }

        writer.WriteEndObject();
        WriteCacheControl(part, writer);
        writer.WriteEndObject();
    }

    private static Action<Utf8JsonWriter> ToolResult(JsonElement message, string field)
    {
        string id = message.TryGetProperty("tool_call_id", out var i) ? JsonValues.String(i, field + ".tool_call_id") : throw new TranslationRefusal(field + ".tool_call_id", "is required.");
        var parts = message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array ? Parts(message, field, textOnly: false) : null;
        string? text = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return w =>
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "tool_result"u8);
            w.WriteString("tool_use_id"u8, id);
            if (parts is not null)
            {
                w.WriteStartArray("content"u8);
                foreach (var part in parts)
                {
                    part(w);
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteString("content"u8, text ?? "");
            }

            w.WriteEndObject();
        };
    }
}
