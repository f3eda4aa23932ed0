using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Chat;

/// <summary>A non-streamed Chat Completions response → an Anthropic Messages response (choice 0).</summary>
public static class ChatToMessagesResponse
{
    /// <summary>
    /// Translates a 200 Chat body. Usage: <c>prompt_tokens</c> minus cached → input_tokens, cached →
    /// cache_read_input_tokens. Refused with field <c>body</c> (a 502 for the server) when the body is not a Chat
    /// completion or a tool call's arguments are not a JSON object.
    /// </summary>
    public static Translated Translate(ReadOnlySpan<byte> chatResponseJson, out TokenUsage usage, string? requestedModel = null)
    {
        usage = default;
        try
        {
            using var document = JsonDocument.Parse(chatResponseJson.ToArray(), ChatJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices)
                || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0 || !choices[0].TryGetProperty("message", out var message))
            {
                return Translated.Refused("body", "The upstream answer is not a chat completion.");
            }

            ChatUsageReader.TryRead(chatResponseJson, out usage);
            var buffer = new ArrayBufferWriter<byte>(chatResponseJson.Length + 256);
            using (var w = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("id"u8, ChatIds.MessageId(String(root, "id") ?? ""));
                w.WriteString("type"u8, "message"u8);
                w.WriteString("role"u8, "assistant"u8);
                w.WriteString("model"u8, String(root, "model") ?? requestedModel ?? "");
                w.WriteStartArray("content"u8);
                WriteContent(message, w);
                w.WriteEndArray();
                w.WriteString("stop_reason"u8, StopReasons.ToStopReason(String(choices[0], "finish_reason")));
                w.WriteNull("stop_sequence"u8);
                w.WriteStartObject("usage"u8);
                w.WriteNumber("input_tokens"u8, usage.Input);
                w.WriteNumber("cache_read_input_tokens"u8, usage.CacheRead);
                w.WriteNumber("output_tokens"u8, usage.Output);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (JsonException)
        {
            return Translated.Refused("body", "The upstream answer is not valid JSON, or a tool call's arguments are not.");
        }
        catch (TranslationRefusal refusal)
        {
            return Translated.Refused(refusal.Field, refusal.Message);
        }
    }

    private static void WriteContent(JsonElement message, Utf8JsonWriter w)
    {
        if ((String(message, "reasoning_content") ?? String(message, "reasoning")) is { Length: > 0 } reasoning)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "thinking"u8);
            w.WriteString("thinking"u8, reasoning);
            w.WriteString("signature"u8, ""u8);
            w.WriteEndObject();
        }

        if (String(message, "content") is { Length: > 0 } text)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, text);
            w.WriteEndObject();
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        int i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var function = call.TryGetProperty("function", out var f) ? f : default;
            string arguments = String(function, "arguments") ?? "";
            using var input = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments, ChatJson.DocumentOptions);
            if (input.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new TranslationRefusal($"choices[0].message.tool_calls[{i}].function.arguments", "is not a JSON object.");
            }

            w.WriteStartObject();
            w.WriteString("type"u8, "tool_use"u8);
            w.WriteString("id"u8, String(call, "id") ?? $"call_{i}");
            w.WriteString("name"u8, String(function, "name") ?? "");
            w.WritePropertyName("input"u8);
            input.RootElement.WriteTo(w);
            w.WriteEndObject();
            i++;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
