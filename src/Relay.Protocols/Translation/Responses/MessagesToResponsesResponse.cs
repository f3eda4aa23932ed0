using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Translates a non-streamed Anthropic Messages answer (a 200 body) into a Responses API <c>response</c> object.
/// Content blocks become output items in order: thinking → <c>reasoning</c> (summary text plus the block in
/// <c>encrypted_content</c>, see <see cref="ReasoningEnvelope"/>), text → <c>message</c>, tool_use →
/// <c>function_call</c> (or <c>custom_tool_call</c> for a free-form tool).
/// </summary>
public static class MessagesToResponsesResponse
{
    /// <summary>
    /// Translates <paramref name="messagesBody"/>. <paramref name="usage"/> (Relay's token classes) and
    /// <paramref name="upstreamModel"/> are read from it for recording. A body that is not an Anthropic message
    /// gives an error with field <c>(upstream)</c>: the upstream's fault, to be answered as 502, not 400.
    /// </summary>
    public static Translated Translate(ReadOnlyMemory<byte> messagesBody, ResponsesTurn turn, out TokenUsage usage, out string? upstreamModel)
    {
        ArgumentNullException.ThrowIfNull(turn);
        usage = default;
        upstreamModel = null;
        if (!MessagesResponseReader.TryReadUsage(messagesBody.Span, out usage, out upstreamModel))
        {
            return Translated.Refused("(upstream)", "The upstream answer is not an Anthropic message.");
        }

        try
        {
            using var document = JsonDocument.Parse(messagesBody, ResponsesJson.DocumentOptions);
            var root = document.RootElement;
            if (!Json.TryGet(root, "content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return Translated.Refused("(upstream)", "The upstream answer has no content list.");
            }

            var items = new List<byte[]>();
            foreach (var block in content.EnumerateArray())
            {
                if (ItemOf(block, turn, items.Count) is { } item)
                {
                    items.Add(item);
                }
            }

            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
            {
                var outcome = AnthropicOutcomes.FromStopReason(Json.String(root, "stop_reason"));
                ResponsesObjectWriter.WriteResponse(writer, turn, outcome, upstreamModel, items, usage);
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (JsonException)
        {
            return Translated.Refused("(upstream)", "The upstream answer is not valid JSON.");
        }
    }

    /// <summary>One content block as an output item; null for blocks with no Responses form (server tool blocks, which Relay never requests).</summary>
    private static byte[]? ItemOf(JsonElement block, ResponsesTurn turn, int outputIndex)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            switch (Json.String(block, "type"))
            {
                case "thinking":
                    string thinking = Json.String(block, "thinking") ?? "";
                    ResponsesObjectWriter.WriteReasoningItem(writer, turn.ItemId("rs", outputIndex), thinking,
                        ReasoningEnvelope.EncodeThinking(thinking, Json.String(block, "signature") ?? ""));
                    break;
                case "redacted_thinking":
                    ResponsesObjectWriter.WriteReasoningItem(writer, turn.ItemId("rs", outputIndex), null,
                        ReasoningEnvelope.EncodeRedacted(Json.String(block, "data") ?? ""));
                    break;
                case "text":
                    ResponsesObjectWriter.WriteMessageItem(writer, turn.ItemId("msg", outputIndex), completed: true, Json.String(block, "text") ?? "");
                    break;
                case "tool_use":
                    string callId = Json.String(block, "id") ?? "";
                    string name = Json.String(block, "name") ?? "";
                    string input = Json.TryGet(block, "input", out var value) ? value.GetRawText() : "{}";
                    var (clientName, toolNamespace) = turn.ClientTool(name);
                    if (turn.FreeformToolNames.Contains(name))
                    {
                        ResponsesObjectWriter.WriteCustomToolCallItem(writer, turn.ItemId("ctc", outputIndex), callId, clientName,
                            AnthropicOutcomes.FreeformInput(input), completed: true, toolNamespace);
                    }
                    else
                    {
                        ResponsesObjectWriter.WriteFunctionCallItem(writer, turn.ItemId("fc", outputIndex), callId, clientName, input, completed: true, toolNamespace);
                    }

                    break;
                default:
                    return null;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}
