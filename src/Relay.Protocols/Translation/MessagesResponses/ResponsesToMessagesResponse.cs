using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Translation.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.MessagesResponses;

/// <summary>A non-streamed Responses API answer (a <c>response</c> object) → an Anthropic Messages response.</summary>
public static class ResponsesToMessagesResponse
{
    /// <summary>
    /// Translates a 200 Responses body: reasoning summaries → a <c>thinking</c> block with an empty signature (only
    /// Anthropic can sign thinking; the block is dropped again when the client sends it back), message text →
    /// <c>text</c> blocks (refusals too), function calls → <c>tool_use</c> blocks with the parsed arguments. Refused
    /// with field <c>body</c> (a 502 for the server) when the body is not a response, the response failed, or a call's
    /// arguments are not a JSON object.
    /// </summary>
    /// <param name="responsesJson">The upstream body.</param>
    /// <param name="usage">Usage in Relay's token classes.</param>
    /// <param name="upstreamModel">The model the upstream reported.</param>
    /// <param name="requestedModel">The client's model, used when the upstream names none.</param>
    public static Translated Translate(ReadOnlySpan<byte> responsesJson, out TokenUsage usage, out string? upstreamModel, string? requestedModel = null)
    {
        usage = default;
        upstreamModel = null;
        try
        {
            using var document = JsonDocument.Parse(responsesJson.ToArray(), ResponsesJson.DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
            {
                return Translated.Refused("body", "The upstream answer is not a Responses API response.");
            }

            string? status = ResponseOutcome.String(root, "status");
            if (status == "failed")
            {
                var error = root.TryGetProperty("error", out var e) ? e : default;
                return Translated.Refused("body", ResponseOutcome.String(error, "message") ?? "The upstream response failed.");
            }

            usage = ResponseOutcome.Usage(root);
            upstreamModel = ResponseOutcome.String(root, "model");
            var buffer = new ArrayBufferWriter<byte>(responsesJson.Length + 256);
            using (var w = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
            {
                w.WriteStartObject();
                w.WriteString("id"u8, ResponseOutcome.MessageId(ResponseOutcome.String(root, "id")));
                w.WriteString("type"u8, "message"u8);
                w.WriteString("role"u8, "assistant"u8);
                w.WriteString("model"u8, upstreamModel ?? requestedModel ?? "");
                w.WriteStartArray("content"u8);
                var (calls, refusal) = WriteContent(output, w);
                w.WriteEndArray();
                w.WriteString("stop_reason"u8, ResponseOutcome.StopReason(status, ResponseOutcome.IncompleteReason(root), calls, refusal));
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
            return Translated.Refused("body", "The upstream answer is not valid JSON, or a function call's arguments are not.");
        }
        catch (TranslationRefusal refusal)
        {
            return Translated.Refused(refusal.Field, refusal.Message);
        }
    }

    private static (bool Calls, bool Refusal) WriteContent(JsonElement output, Utf8JsonWriter w)
    {
        bool calls = false, refusal = false;
        int i = 0;
        foreach (var item in output.EnumerateArray())
        {
            string field = $"output[{i++}]";
            switch (ResponseOutcome.String(item, "type"))
            {
                case "reasoning" when ResponseOutcome.Summary(item) is { Length: > 0 } summary:
                    w.WriteStartObject();
                    w.WriteString("type"u8, "thinking"u8);
                    w.WriteString("thinking"u8, summary);
                    w.WriteString("signature"u8, ""u8);
                    w.WriteEndObject();
                    break;
                case "message" when item.TryGetProperty("content", out var parts) && parts.ValueKind == JsonValueKind.Array:
                    foreach (var part in parts.EnumerateArray())
                    {
                        string? type = ResponseOutcome.String(part, "type");
                        string? text = type == "refusal" ? ResponseOutcome.String(part, "refusal") : ResponseOutcome.String(part, "text");
                        refusal |= type == "refusal";
                        if (type is "output_text" or "refusal" && !string.IsNullOrEmpty(text))
                        {
                            w.WriteStartObject();
                            w.WriteString("type"u8, "text"u8);
                            w.WriteString("text"u8, text);
                            w.WriteEndObject();
                        }
                    }

                    break;
                case "function_call":
                    calls = true;
                    string arguments = ResponseOutcome.String(item, "arguments") ?? "";
                    using (var input = JsonDocument.Parse(string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments, ResponsesJson.DocumentOptions))
                    {
                        if (input.RootElement.ValueKind != JsonValueKind.Object)
                        {
                            throw new TranslationRefusal(field + ".arguments", "is not a JSON object.");
                        }

                        w.WriteStartObject();
                        w.WriteString("type"u8, "tool_use"u8);
                        w.WriteString("id"u8, ResponseOutcome.String(item, "call_id") ?? ResponseOutcome.String(item, "id") ?? $"call_{i}");
                        w.WriteString("name"u8, ResponseOutcome.String(item, "name") ?? "");
                        w.WritePropertyName("input"u8);
                        input.RootElement.WriteTo(w);
                        w.WriteEndObject();
                    }

                    break;
            }
        }

        return (calls, refusal);
    }
}
