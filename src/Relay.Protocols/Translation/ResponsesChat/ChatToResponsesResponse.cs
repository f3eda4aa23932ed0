using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// Translates a non-streamed Chat Completions answer (a 200 body) into a Responses API <c>response</c> object. The
/// first choice's message becomes output items in order: <c>reasoning_content</c> → <c>reasoning</c> (summary text,
/// and the text again in <c>encrypted_content</c>, see <see cref="ChatReasoningEnvelope"/>), <c>content</c> (or a
/// <c>refusal</c>) → <c>message</c>, each of <c>tool_calls</c> → <c>function_call</c> (or <c>custom_tool_call</c>
/// for a free-form tool); a call of a tool the request offered inside a <c>namespace</c> is answered with the tool's
/// own name and its <c>namespace</c>.
/// </summary>
public static class ChatToResponsesResponse
{
    /// <summary>
    /// Translates <paramref name="chatBody"/>; <paramref name="usage"/> (Relay's token classes) and
    /// <paramref name="upstreamModel"/> are read from it. A body that is not a Chat completion gives an error with
    /// field <c>(upstream)</c>: the upstream's fault, to be answered as 502, not 400.
    /// </summary>
    public static Translated Translate(ReadOnlyMemory<byte> chatBody, ResponsesTurn turn, out TokenUsage usage, out string? upstreamModel)
    {
        ArgumentNullException.ThrowIfNull(turn);
        usage = default;
        upstreamModel = null;
        try
        {
            using var document = JsonDocument.Parse(chatBody, ChatJson.DocumentOptions);
            var root = document.RootElement;
            if (!Json.TryGet(root, "choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
                || !Json.TryGet(choices[0], "message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                return Translated.Refused("(upstream)", "The upstream answer is not a Chat completion.");
            }

            upstreamModel = Json.String(root, "model");
            var fields = Json.TryGet(root, "usage", out var usageElement) ? ChatOutcomes.Usage(usageElement) : default;
            usage = fields.ToTokenUsage();

            var items = new List<byte[]>();
            if (ChatOutcomes.Reasoning(message) is { Length: > 0 } reasoning)
            {
                items.Add(Item(w => ResponsesObjectWriter.WriteReasoningItem(w, turn.ItemId("rs", items.Count), reasoning, ChatReasoningEnvelope.Encode(reasoning))));
            }

            string? text = Json.String(message, "content") is { Length: > 0 } content ? content : Json.String(message, "refusal");
            if (!string.IsNullOrEmpty(text))
            {
                items.Add(Item(w => ResponsesObjectWriter.WriteMessageItem(w, turn.ItemId("msg", items.Count), completed: true, text)));
            }

            if (Json.TryGet(message, "tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = Json.TryGet(call, "function", out var f) ? f : default;
                    string name = Json.String(function, "name") ?? "";
                    string callId = Json.String(call, "id") ?? turn.ItemId("call", items.Count);
                    string arguments = Json.String(function, "arguments") is { Length: > 0 } a ? a : "{}";
                    int index = items.Count;
                    var (clientName, toolNamespace) = turn.ClientTool(name);
                    items.Add(turn.FreeformToolNames.Contains(name)
                        ? Item(w => ResponsesObjectWriter.WriteCustomToolCallItem(w, turn.ItemId("ctc", index), callId, clientName, AnthropicOutcomes.FreeformInput(arguments), completed: true, toolNamespace))
                        : Item(w => ResponsesObjectWriter.WriteFunctionCallItem(w, turn.ItemId("fc", index), callId, clientName, arguments, completed: true, toolNamespace)));
                }
            }

            var buffer = new ArrayBufferWriter<byte>(1024);
            using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
            {
                var outcome = ChatOutcomes.FromFinishReason(Json.String(choices[0], "finish_reason"));
                ResponsesObjectWriter.WriteResponse(writer, turn, outcome, upstreamModel, items, usage, fields.Reasoning ?? 0);
            }

            return Translated.Success(buffer.WrittenSpan.ToArray());
        }
        catch (JsonException)
        {
            return Translated.Refused("(upstream)", "The upstream answer is not valid JSON.");
        }
    }

    private static byte[] Item(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
