using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Sse;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// Translates a Chat Completions stream into a Responses API stream, chunk by chunk, with the events, order and shapes
/// of <see cref="MessagesToResponsesStream"/>: <c>response.created</c>, <c>response.in_progress</c>; per output item
/// <c>response.output_item.added</c>, its part and delta events, <c>response.output_item.done</c>; finally
/// <c>response.completed</c> (or <c>response.incomplete</c> for finish reason length / content_filter) with the full
/// response and the usage of the final usage chunk. Every event carries a <c>sequence_number</c> from 0.
/// </summary>
/// <remarks>
/// <c>reasoning_content</c> (or <c>reasoning</c>) deltas form a reasoning item, <c>content</c> deltas a message item;
/// one closes when the other starts or a tool call begins. Each tool call <c>index</c> is its own
/// <c>function_call</c> (or <c>custom_tool_call</c>) item with its own <c>output_index</c>; parallel calls may
/// interleave, since every Responses event names its item. Calls close when the answer ends. A Chat
/// <c>data: {"error":…}</c> chunk, <c>[DONE]</c> without a finish reason, a stream that ends without one
/// (<see cref="Complete"/>), or <see cref="Fail"/> end the stream with <c>response.failed</c>: Codex retries a stream
/// that ends before <c>response.completed</c>, and a quiet end would look like success to other clients.
/// </remarks>
public sealed class ChatToResponsesStream : IStreamTranslator
{
    private readonly ResponsesTurn _turn;
    private readonly ArrayBufferWriter<byte> _json = new(512);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<int, OpenItem> _calls = [];
    private readonly SortedList<int, byte[]> _doneItems = [];
    private ChatUsageFields _usage;
    private OpenItem? _textItem;
    private string? _finishReason;
    private int _nextOutputIndex;
    private int _sequence;
    private bool _started;
    private bool _finished;

    /// <param name="turn">From <see cref="ResponsesToChatRequest.Translate"/> for the request being answered.</param>
    public ChatToResponsesStream(ResponsesTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        _turn = turn;
        _writer = new Utf8JsonWriter(_json, ResponsesJson.WriterOptions);
    }

    public TokenUsage Usage => _usage.ToTokenUsage();

    public string? UpstreamModel { get; private set; }

    /// <summary>True once a terminal event (completed, incomplete or failed) was written; later input is ignored.</summary>
    public bool Finished => _finished;

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_finished)
        {
            return;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            if (_finishReason is null)
            {
                Fail(AnthropicErrors.Api, "The upstream stream ended without a finish reason.", output);
            }
            else
            {
                Finish(output);
            }

            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToArray(), ChatJson.DocumentOptions);
        }
        catch (JsonException)
        {
            Fail(AnthropicErrors.Api, "The upstream sent an event that is not valid JSON.", output);
            return;
        }

        using (document)
        {
            OnChunk(document.RootElement, output);
        }
    }

    /// <summary>
    /// The upstream connection ended. After a finish reason the answer is complete (some hosts omit <c>[DONE]</c>);
    /// without one it was cut, and the client gets <c>response.failed</c>.
    /// </summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_finished)
        {
            return;
        }

        if (_finishReason is null)
        {
            Fail(AnthropicErrors.Api, "The upstream stream ended before the answer was complete.", output);
        }
        else
        {
            Finish(output);
        }
    }

    /// <summary>Writes <c>response.failed</c> (code per <see cref="AnthropicOutcomes.ErrorCode"/>: Relay's error types are Anthropic's).</summary>
    public void Fail(string errorType, string message, IBufferWriter<byte> output) =>
        FailWithCode(AnthropicOutcomes.ErrorCode(errorType, message), message, output);

    private void FailWithCode(string code, string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_finished)
        {
            return;
        }

        Start(output);
        _finished = true;
        WriteResponseEvent("response.failed"u8, ResponsesObjectWriter.Outcome.Failed(code, message), Usage, output);
    }

    private void OnChunk(JsonElement chunk, IBufferWriter<byte> output)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (Json.TryGet(chunk, "error", out var error))
        {
            string message = Json.String(error, "message") ?? "The upstream reported an error.";
            FailWithCode(error.ValueKind == JsonValueKind.Object ? ChatOutcomes.ErrorCode(error) : "server_error", message, output);
            return;
        }

        if (Json.TryGet(chunk, "usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            _usage = ChatOutcomes.Usage(usage);
        }

        UpstreamModel ??= Json.String(chunk, "model");
        Start(output);
        if (!Json.TryGet(chunk, "choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (Json.TryGet(choice, "delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            OnDelta(delta, output);
        }

        _finishReason = Json.String(choice, "finish_reason") ?? _finishReason;
    }

    private void OnDelta(JsonElement delta, IBufferWriter<byte> output)
    {
        if (ChatOutcomes.Reasoning(delta) is { Length: > 0 } reasoning)
        {
            var item = TextItem(ItemKind.Reasoning, output);
            item.Text.Append(reasoning);
            var w = BeginItemEvent("response.reasoning_summary_text.delta"u8, item);
            w.WriteNumber("summary_index"u8, 0);
            w.WriteString("delta"u8, reasoning);
            End("response.reasoning_summary_text.delta"u8, output);
        }

        if (Json.String(delta, "content") is { Length: > 0 } text)
        {
            var item = TextItem(ItemKind.Message, output);
            item.Text.Append(text);
            var w = BeginItemEvent("response.output_text.delta"u8, item);
            w.WriteNumber("content_index"u8, 0);
            w.WriteString("delta"u8, text);
            w.WriteStartArray("logprobs"u8);
            w.WriteEndArray();
            End("response.output_text.delta"u8, output);
        }

        if (Json.TryGet(delta, "tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                OnToolCall(call, output);
            }
        }
    }

    private void OnToolCall(JsonElement call, IBufferWriter<byte> output)
    {
        var function = Json.TryGet(call, "function", out var f) ? f : default;
        string arguments = Json.String(function, "arguments") ?? "";
        int key = CallKey(call);
        if (!_calls.TryGetValue(key, out var item))
        {
            // A call starts: the reasoning or text before it is finished.
            CloseTextItem(output);
            string name = Json.String(function, "name") ?? "";
            bool freeform = _turn.FreeformToolNames.Contains(name);
            int outputIndex = _nextOutputIndex++;
            item = new OpenItem(freeform ? ItemKind.CustomToolCall : ItemKind.FunctionCall, outputIndex,
                _turn.ItemId(freeform ? "ctc" : "fc", outputIndex), Json.String(call, "id") ?? _turn.ItemId("call", outputIndex), name);
            _calls[key] = item;
            WriteAdded(item, output);
        }

        if (arguments.Length == 0)
        {
            return;
        }

        item.Text.Append(arguments);
        if (item.Kind == ItemKind.FunctionCall)
        {
            var w = BeginItemEvent("response.function_call_arguments.delta"u8, item);
            w.WriteString("delta"u8, arguments);
            End("response.function_call_arguments.delta"u8, output);
        }

        // A free-form call streams the JSON of {"input": "…"}; the text inside is known only whole, so it is sent
        // as one delta when the call ends (as MessagesToResponsesStream does).
    }

    /// <summary>
    /// The call a tool-call delta belongs to: its <c>index</c>; for hosts that omit the index (some Ollama versions),
    /// the call with the same <c>id</c>, a new call for a new id, else the latest call.
    /// </summary>
    private int CallKey(JsonElement call)
    {
        if (Json.TryGet(call, "index", out var index) && index.TryGetInt32(out int n))
        {
            return n;
        }

        if (Json.String(call, "id") is { } id)
        {
            foreach (var (key, open) in _calls)
            {
                if (open.CallId == id)
                {
                    return key;
                }
            }

            return -1 - _calls.Count;
        }

        return _calls.Count == 0 ? 0 : _calls.MaxBy(c => c.Value.OutputIndex).Key;
    }

    private OpenItem TextItem(ItemKind kind, IBufferWriter<byte> output)
    {
        if (_textItem?.Kind == kind)
        {
            return _textItem;
        }

        CloseTextItem(output);
        int outputIndex = _nextOutputIndex++;
        _textItem = new OpenItem(kind, outputIndex, _turn.ItemId(kind == ItemKind.Reasoning ? "rs" : "msg", outputIndex), "", "");
        WriteAdded(_textItem, output);
        return _textItem;
    }

    private void CloseTextItem(IBufferWriter<byte> output)
    {
        if (_textItem is { } item)
        {
            _textItem = null;
            Close(item, output);
        }
    }

    private void Start(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        WriteResponseEvent("response.created"u8, ResponsesObjectWriter.Outcome.InProgress, null, output);
        WriteResponseEvent("response.in_progress"u8, ResponsesObjectWriter.Outcome.InProgress, null, output);
    }

    private void Finish(IBufferWriter<byte> output)
    {
        Start(output);
        CloseTextItem(output);
        foreach (var call in _calls.Values.OrderBy(c => c.OutputIndex).ToList())
        {
            Close(call, output);
        }

        _calls.Clear();
        _finished = true;
        var outcome = ChatOutcomes.FromFinishReason(_finishReason);
        WriteResponseEvent(outcome.Status == "completed" ? "response.completed"u8 : "response.incomplete"u8, outcome, Usage, output);
    }

    private void WriteAdded(OpenItem item, IBufferWriter<byte> output)
    {
        var w = Begin("response.output_item.added"u8);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        WriteItem(w, item, completed: false);
        End("response.output_item.added"u8, output);

        if (item.Kind == ItemKind.Reasoning)
        {
            w = BeginItemEvent("response.reasoning_summary_part.added"u8, item);
            w.WriteNumber("summary_index"u8, 0);
            w.WritePropertyName("part"u8);
            ResponsesObjectWriter.WriteSummaryPart(w, "");
            End("response.reasoning_summary_part.added"u8, output);
        }
        else if (item.Kind == ItemKind.Message)
        {
            w = BeginItemEvent("response.content_part.added"u8, item);
            w.WriteNumber("content_index"u8, 0);
            w.WritePropertyName("part"u8);
            ResponsesObjectWriter.WriteOutputTextPart(w, "");
            End("response.content_part.added"u8, output);
        }
    }

    private void Close(OpenItem item, IBufferWriter<byte> output)
    {
        Utf8JsonWriter w;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                string reasoning = item.Text.ToString();
                w = BeginItemEvent("response.reasoning_summary_text.done"u8, item);
                w.WriteNumber("summary_index"u8, 0);
                w.WriteString("text"u8, reasoning);
                End("response.reasoning_summary_text.done"u8, output);
                w = BeginItemEvent("response.reasoning_summary_part.done"u8, item);
                w.WriteNumber("summary_index"u8, 0);
                w.WritePropertyName("part"u8);
                ResponsesObjectWriter.WriteSummaryPart(w, reasoning);
                End("response.reasoning_summary_part.done"u8, output);
                break;
            case ItemKind.Message:
                string text = item.Text.ToString();
                w = BeginItemEvent("response.output_text.done"u8, item);
                w.WriteNumber("content_index"u8, 0);
                w.WriteString("text"u8, text);
                w.WriteStartArray("logprobs"u8);
                w.WriteEndArray();
                End("response.output_text.done"u8, output);
                w = BeginItemEvent("response.content_part.done"u8, item);
                w.WriteNumber("content_index"u8, 0);
                w.WritePropertyName("part"u8);
                ResponsesObjectWriter.WriteOutputTextPart(w, text);
                End("response.content_part.done"u8, output);
                break;
            case ItemKind.FunctionCall:
                // A call without parameters may stream no arguments at all; they are an empty object.
                if (item.Text.Length == 0)
                {
                    item.Text.Append("{}");
                }

                w = BeginItemEvent("response.function_call_arguments.done"u8, item);
                w.WriteString("name"u8, _turn.ClientTool(item.Name).Name);
                w.WriteString("arguments"u8, item.Text.ToString());
                End("response.function_call_arguments.done"u8, output);
                break;
            case ItemKind.CustomToolCall:
                string input = AnthropicOutcomes.FreeformInput(item.Text.ToString());
                item.Text.Clear().Append(input);
                w = BeginItemEvent("response.custom_tool_call_input.delta"u8, item);
                w.WriteString("delta"u8, input);
                End("response.custom_tool_call_input.delta"u8, output);
                w = BeginItemEvent("response.custom_tool_call_input.done"u8, item);
                w.WriteString("input"u8, input);
                End("response.custom_tool_call_input.done"u8, output);
                break;
        }

        var itemBuffer = new ArrayBufferWriter<byte>(256);
        using (var itemWriter = new Utf8JsonWriter(itemBuffer, ResponsesJson.WriterOptions))
        {
            WriteItem(itemWriter, item, completed: true);
        }

        byte[] itemJson = itemBuffer.WrittenSpan.ToArray();
        _doneItems[item.OutputIndex] = itemJson;
        w = Begin("response.output_item.done"u8);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        w.WriteRawValue(itemJson, skipInputValidation: true);
        End("response.output_item.done"u8, output);
    }

    private void WriteItem(Utf8JsonWriter w, OpenItem item, bool completed)
    {
        string text = completed ? item.Text.ToString() : "";
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                ResponsesObjectWriter.WriteReasoningItem(w, item.ItemId, completed ? text : null, completed ? ChatReasoningEnvelope.Encode(text) : null);
                break;
            case ItemKind.Message:
                ResponsesObjectWriter.WriteMessageItem(w, item.ItemId, completed, completed ? text : null);
                break;
            case ItemKind.FunctionCall:
                // A tool offered inside a namespace is answered with its own name and the namespace.
                var (functionName, functionNamespace) = _turn.ClientTool(item.Name);
                ResponsesObjectWriter.WriteFunctionCallItem(w, item.ItemId, item.CallId, functionName, text, completed, functionNamespace);
                break;
            case ItemKind.CustomToolCall:
                var (customName, customNamespace) = _turn.ClientTool(item.Name);
                ResponsesObjectWriter.WriteCustomToolCallItem(w, item.ItemId, item.CallId, customName, text, completed, customNamespace);
                break;
        }
    }

    private void WriteResponseEvent(ReadOnlySpan<byte> type, ResponsesObjectWriter.Outcome outcome, TokenUsage? usage, IBufferWriter<byte> output)
    {
        var w = Begin(type);
        w.WritePropertyName("response"u8);
        ResponsesObjectWriter.WriteResponse(w, _turn, outcome, UpstreamModel, [.. _doneItems.Values], usage, usage is null ? 0 : _usage.Reasoning ?? 0);
        End(type, output);
    }

    private Utf8JsonWriter BeginItemEvent(ReadOnlySpan<byte> type, OpenItem item)
    {
        var w = Begin(type);
        w.WriteString("item_id"u8, item.ItemId);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        return w;
    }

    private Utf8JsonWriter Begin(ReadOnlySpan<byte> type)
    {
        _json.ResetWrittenCount();
        _writer.Reset(_json);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        return _writer;
    }

    private void End(ReadOnlySpan<byte> type, IBufferWriter<byte> output)
    {
        _writer.WriteNumber("sequence_number"u8, _sequence++);
        _writer.WriteEndObject();
        _writer.Flush();
        SseWriter.WriteEvent(output, type, _json.WrittenSpan);
    }

    private enum ItemKind
    {
        Reasoning,
        Message,
        FunctionCall,
        CustomToolCall,
    }

    /// <summary>An output item that has been added and not yet finished.</summary>
    private sealed class OpenItem(ItemKind kind, int outputIndex, string itemId, string callId, string name)
    {
        public ItemKind Kind { get; } = kind;

        public int OutputIndex { get; } = outputIndex;

        public string ItemId { get; } = itemId;

        public string CallId { get; } = callId;

        public string Name { get; } = name;

        /// <summary>Reasoning, text, or argument JSON so far.</summary>
        public StringBuilder Text { get; } = new();
    }
}
