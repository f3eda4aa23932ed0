using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.ChatResponses;

/// <summary>
/// A non-streamed Responses answer (a <c>response</c> object) → a Chat Completions answer (<c>chat.completion</c>):
/// message text → <c>content</c> (refusals → <c>refusal</c>), <c>function_call</c> items → <c>tool_calls</c>,
/// reasoning summaries → <c>reasoning_content</c>, usage carried over with its cached and reasoning details.
/// </summary>
public static class ResponsesToChatResponse
{
    /// <summary>Translates a 2xx Responses body. Error bodies are the caller's to restate (<see cref="ChatErrors"/>).</summary>
    /// <param name="responsesJson">The upstream body.</param>
    /// <param name="usage">Usage in Relay's token classes (zero when the body could not be read).</param>
    /// <param name="upstreamModel">The model the upstream reported, or null.</param>
    /// <param name="requestedModel">The client's model, used only when the upstream names none.</param>
    /// <param name="created">Unix seconds for <c>created</c> when the response has no <c>created_at</c>; now when null.</param>
    /// <returns>The Chat body, or a refusal with field <c>(upstream)</c> when the body is not a finished response (a 502 for the server).</returns>
    public static Translated Translate(ReadOnlySpan<byte> responsesJson, out TokenUsage usage, out string? upstreamModel, string? requestedModel = null, long? created = null)
    {
        usage = default;
        upstreamModel = null;
        try
        {
            using var document = JsonDocument.Parse(responsesJson.ToArray(), ChatJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
            {
                return Translated.Refused("(upstream)", "The upstream answer is not a Responses response.");
            }

            if (ResponsesAnswer.String(root, "status") == "failed")
            {
                string? message = root.TryGetProperty("error", out var error) ? ResponsesAnswer.String(error, "message") : null;
                return Translated.Refused("(upstream)", message ?? "The upstream reported a failed response.");
            }

            var tokens = ResponsesUsage.Read(root.TryGetProperty("usage", out var u) ? u : default);
            usage = tokens.ToTokenUsage();
            upstreamModel = ResponsesAnswer.String(root, "model");
            long createdAt = root.TryGetProperty("created_at", out var c) && c.TryGetInt64(out long at) ? at : created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();

            var buffer = new ArrayBufferWriter<byte>(responsesJson.Length + 256);
            using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, ResponsesAnswer.CompletionId(ResponsesAnswer.String(root, "id")));
                writer.WriteString("object"u8, "chat.completion"u8);
                writer.WriteNumber("created"u8, createdAt);
                writer.WriteString("model"u8, upstreamModel ?? requestedModel ?? "");
                writer.WriteStartArray("choices"u8);
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, 0);
                bool madeCalls = WriteMessage(output, writer);
                writer.WriteNull("logprobs"u8);
                writer.WriteString("finish_reason"u8, ResponsesAnswer.FinishReason(root, madeCalls));
                writer.WriteEndObject();
                writer.WriteEndArray();
                tokens.WriteChat(writer);
                if (ResponsesAnswer.String(root, "service_tier") is { } tier)
                {
                    writer.WriteString("service_tier"u8, tier);
                }

                writer.WriteEndObject();
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            usage = default;
            upstreamModel = null;
            return Translated.Refused("(upstream)", "The upstream answer is not valid JSON.");
        }
    }

    private static bool WriteMessage(JsonElement output, Utf8JsonWriter writer)
    {
        var text = new StringBuilder();
        var refusal = new StringBuilder();
        var reasoning = new StringBuilder();
        bool anyText = false, anyRefusal = false, anyReasoning = false;
        var calls = new List<JsonElement>();
        foreach (var item in output.EnumerateArray())
        {
            switch (ResponsesAnswer.String(item, "type"))
            {
                case "message" when item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array:
                    foreach (var part in content.EnumerateArray())
                    {
                        switch (ResponsesAnswer.String(part, "type"))
                        {
                            case "output_text":
                                anyText = true;
                                text.Append(ResponsesAnswer.String(part, "text"));
                                break;
                            case "refusal":
                                anyRefusal = true;
                                refusal.Append(ResponsesAnswer.String(part, "refusal"));
                                break;
                        }
                    }

                    break;
                case "reasoning":
                    foreach (var part in Parts(item, "summary").Concat(Parts(item, "content")))
                    {
                        if (ResponsesAnswer.String(part, "text") is { } t)
                        {
                            if (reasoning.Length > 0)
                            {
                                reasoning.Append("\n\n");
                            }

                            anyReasoning = true;
                            reasoning.Append(t);
                        }
                    }

                    break;
                case "function_call":
                    calls.Add(item);
                    break;

                // Hosted-tool items (web search and the like) have no Chat shape; a Chat client never asked for them.
            }
        }

        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        if (anyText || calls.Count == 0 && !anyRefusal)
        {
            writer.WriteString("content"u8, text.ToString());
        }
        else
        {
            // OpenAI sends content null when the answer is only tool calls (or a refusal).
            writer.WriteNull("content"u8);
        }

        if (anyRefusal)
        {
            writer.WriteString("refusal"u8, refusal.ToString());
        }
        else
        {
            writer.WriteNull("refusal"u8);
        }

        if (anyReasoning)
        {
            writer.WriteString("reasoning_content"u8, reasoning.ToString());
        }

        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, ResponsesAnswer.String(call, "call_id") ?? ResponsesAnswer.String(call, "id") ?? "");
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, ResponsesAnswer.String(call, "name") ?? "");
                writer.WriteString("arguments"u8, ResponsesAnswer.String(call, "arguments") ?? "{}");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return calls.Count > 0;
    }

    private static IEnumerable<JsonElement> Parts(JsonElement item, string name) =>
        item.TryGetProperty(name, out var parts) && parts.ValueKind == JsonValueKind.Array ? parts.EnumerateArray() : [];
}
