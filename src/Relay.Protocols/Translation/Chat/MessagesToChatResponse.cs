using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// A non-streamed Anthropic Messages response → a Chat Completions response (<c>chat.completion</c>). The answer's
/// <c>model</c> is the one Anthropic reports (the model that actually served it, pitfall 15), falling back to the
/// model the client asked for. Thinking becomes <c>reasoning_content</c> + <c>reasoning_details</c> (see
/// <see cref="ReasoningDetails"/>), so the client can send it back signed.
/// </summary>
public static class MessagesToChatResponse
{
    /// <summary>Translates a 200 Messages body. Error bodies are the caller's to translate (<see cref="ChatErrors"/>).</summary>
    /// <param name="messagesResponseJson">The upstream body.</param>
    /// <param name="usage">The usage in Relay's token classes (zero when the body could not be read).</param>
    /// <param name="requestedModel">The client's model, used only when the upstream names none.</param>
    /// <param name="created">Unix seconds for <c>created</c>; now when null.</param>
    /// <returns>The Chat body, or a refusal with field <c>body</c> when the upstream answer is not a Messages response (a 502 for the server).</returns>
    public static Translated Translate(ReadOnlySpan<byte> messagesResponseJson, out TokenUsage usage, string? requestedModel = null, long? created = null)
    {
        usage = default;
        try
        {
            using var document = JsonDocument.Parse(messagesResponseJson.ToArray(), ChatJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return Translated.Refused("body", "The upstream answer is not an Anthropic message.");
            }

            MessagesResponseReader.TryReadUsage(messagesResponseJson, out usage, out _);
            var buffer = new ArrayBufferWriter<byte>(messagesResponseJson.Length + 256);
            using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
            {
                Write(root, content, usage, requestedModel, created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds(), writer);
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Translated.Refused("body", "The upstream answer is not valid JSON.");
        }
    }

    private static void Write(JsonElement root, JsonElement content, TokenUsage usage, string? requestedModel, long created, Utf8JsonWriter writer)
    {
        string id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
        string? model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : requestedModel;
        string? stopReason = root.TryGetProperty("stop_reason", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

        writer.WriteStartObject();
        writer.WriteString("id"u8, ChatIds.CompletionId(id));
        writer.WriteString("object"u8, "chat.completion"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, model ?? "");
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        WriteContent(content, writer);
        writer.WriteEndObject();
        writer.WriteNull("logprobs"u8);
        writer.WriteString("finish_reason"u8, StopReasons.ToFinishReason(stopReason));
        writer.WriteEndObject();
        writer.WriteEndArray();
        ChatUsageWriter.Write(writer, usage);
        writer.WriteEndObject();
    }

    private static void WriteContent(JsonElement content, Utf8JsonWriter writer)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        bool anyText = false, anyReasoning = false, anyToolCall = false;
        foreach (var block in content.EnumerateArray())
        {
            switch (TypeOf(block))
            {
                case "text":
                    anyText = true;
                    text.Append(StringOf(block, "text"));
                    break;
                case "thinking":
                    anyReasoning = true;
                    reasoning.Append(StringOf(block, "thinking"));
                    break;
                case "redacted_thinking":
                    anyReasoning = true;
                    break;
                case "tool_use":
                    anyToolCall = true;
                    break;
            }
        }

        // OpenAI sends content null when the answer is only tool calls.
        if (anyText || !anyToolCall)
        {
            writer.WriteString("content"u8, text.ToString());
        }
        else
        {
            writer.WriteNull("content"u8);
        }

        if (anyReasoning)
        {
            writer.WriteString("reasoning_content"u8, reasoning.ToString());
            writer.WriteStartArray("reasoning_details"u8);
            int index = 0;
            foreach (var block in content.EnumerateArray())
            {
                string? type = TypeOf(block);
                if (type == "thinking")
                {
                    ReasoningDetailWriter.WriteText(writer, index++, StringOf(block, "thinking"), StringOf(block, "signature"));
                }
                else if (type == "redacted_thinking")
                {
                    ReasoningDetailWriter.WriteEncrypted(writer, index++, StringOf(block, "data") ?? "");
                }
            }

            writer.WriteEndArray();
        }

        if (anyToolCall)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var block in content.EnumerateArray())
            {
                if (TypeOf(block) == "tool_use")
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, StringOf(block, "id"));
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, StringOf(block, "name"));
                    writer.WriteString("arguments"u8, block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }
    }

    private static string? TypeOf(JsonElement block) => StringOf(block, "type");

    private static string? StringOf(JsonElement block, string name) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
