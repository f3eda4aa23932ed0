using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Translates an Anthropic Messages stream into a Responses API stream, event by event. Each Anthropic content
/// block becomes one output item with its own <c>output_index</c> (so parallel tool calls never share one), and
/// every event carries a <c>sequence_number</c> counting from 0. Order:
/// <c>response.created</c>, <c>response.in_progress</c>; per block <c>response.output_item.added</c>, its part
/// and delta events, <c>response.output_item.done</c>; finally <c>response.completed</c> (or
/// <c>response.incomplete</c> when max_tokens cut the answer) with the full response and usage.
/// A failure — an Anthropic <c>error</c> event, a stream that ends without <c>message_stop</c>, or
/// <see cref="Fail"/> — ends the stream with <c>response.failed</c>, never a completed response.
/// </summary>
public sealed class MessagesToResponsesStream : IStreamTranslator
{
    private readonly ResponsesTurn _turn;
    private readonly ArrayBufferWriter<byte> _json = new(512);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<int, OpenItem> _open = [];
    private readonly List<byte[]> _doneItems = [];
    private UsageFields _usage;
    private string? _stopReason;
    private int _sequence;
    private bool _started;
    private bool _finished;

    /// <param name="turn">From <see cref="ResponsesToMessagesRequest.Translate"/> for the request being answered.</param>
    public MessagesToResponsesStream(ResponsesTurn turn)
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

        AnthropicStreamEvent e;
        try
        {
            e = AnthropicStreamEvent.Parse(data, ref _usage);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            Fail(AnthropicErrors.Api, "The upstream sent an event that is not valid JSON.", output);
            return;
        }

        switch (e.Type)
        {
            case "message_start":
                UpstreamModel = e.Model ?? UpstreamModel;
                Start(output);
                break;
            case "content_block_start":
                Start(output);
                OpenBlock(e, output);
                break;
            case "content_block_delta":
                if (_open.TryGetValue(e.Index, out var item))
                {
                    Delta(item, e, output);
                }

                break;
            case "content_block_stop":
                if (_open.Remove(e.Index, out var done))
                {
                    Close(done, output);
                }

                break;
            case "message_delta":
                _stopReason = e.StopReason ?? _stopReason;
                break;
            case "message_stop":
                Finish(output);
                break;
            case "error":
                Fail(e.ErrorType ?? AnthropicErrors.Api, e.ErrorMessage ?? "The upstream reported an error.", output);
                break;
        }
    }

    /// <summary>The upstream ended: if no <c>message_stop</c> came, the answer is cut and the client is told so.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (!_finished)
        {
            Fail(AnthropicErrors.Api, "The upstream stream ended before the answer was complete.", output);
        }
    }

    /// <summary>Writes <c>response.failed</c> with <c>error {code, message}</c> (code per <see cref="AnthropicOutcomes.ErrorCode"/>).</summary>
    public void Fail(string errorType, string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_finished)
        {
            return;
        }

        Start(output);
        _finished = true;
        var outcome = ResponsesObjectWriter.Outcome.Failed(AnthropicOutcomes.ErrorCode(errorType, message), message);
        WriteResponseEvent("response.failed"u8, outcome, Usage, output);
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

        // Blocks still open at message_stop (an upstream that skipped content_block_stop) are closed in order.
        foreach (var index in _open.Keys.Order().ToList())
        {
            _open.Remove(index, out var item);
            Close(item!, output);
        }

        _finished = true;
        var outcome = AnthropicOutcomes.FromStopReason(_stopReason);
        WriteResponseEvent(outcome.Status == "completed" ? "response.completed"u8 : "response.incomplete"u8, outcome, Usage, output);
    }

    private void OpenBlock(in AnthropicStreamEvent e, IBufferWriter<byte> output)
    {
        var kind = e.BlockType switch
        {
            "thinking" => ItemKind.Reasoning,
            "redacted_thinking" => ItemKind.RedactedReasoning,
            "text" => ItemKind.Message,
            "tool_use" when e.BlockName is not null && _turn.FreeformToolNames.Contains(e.BlockName) => ItemKind.CustomToolCall,
            "tool_use" => ItemKind.FunctionCall,
            _ => ItemKind.None,
        };
        if (kind == ItemKind.None)
        {
            // Server tool blocks appear only when server tools are requested, which Relay never does.
            return;
        }

        int outputIndex = _doneItems.Count + _open.Count;
        string prefix = kind switch
        {
            ItemKind.Reasoning or ItemKind.RedactedReasoning => "rs",
            ItemKind.Message => "msg",
            ItemKind.CustomToolCall => "ctc",
            _ => "fc",
        };
        var item = new OpenItem(kind, outputIndex, _turn.ItemId(prefix, outputIndex), e.BlockId ?? "", e.BlockName ?? "")
        {
            RedactedData = e.BlockData,
        };
        _open[e.Index] = item;

        var w = Begin("response.output_item.added"u8);
        w.WriteNumber("output_index"u8, outputIndex);
        w.WritePropertyName("item"u8);
        WriteItem(w, item, completed: false);
        End("response.output_item.added"u8, output);

        if (kind == ItemKind.Reasoning)
        {
            w = BeginItemEvent("response.reasoning_summary_part.added"u8, item);
            w.WriteNumber("summary_index"u8, 0);
            w.WritePropertyName("part"u8);
            ResponsesObjectWriter.WriteSummaryPart(w, "");
            End("response.reasoning_summary_part.added"u8, output);
        }
        else if (kind == ItemKind.Message)
        {
            w = BeginItemEvent("response.content_part.added"u8, item);
            w.WriteNumber("content_index"u8, 0);
            w.WritePropertyName("part"u8);
            ResponsesObjectWriter.WriteOutputTextPart(w, "");
            End("response.content_part.added"u8, output);
        }
    }

    private void Delta(OpenItem item, in AnthropicStreamEvent e, IBufferWriter<byte> output)
    {
        string? text = e.DeltaText;
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        switch (e.DeltaType)
        {
            case "signature_delta":
                item.Signature.Append(text);
                return;
            case "text_delta" when item.Kind == ItemKind.Message:
                item.Text.Append(text);
                var w = BeginItemEvent("response.output_text.delta"u8, item);
                w.WriteNumber("content_index"u8, 0);
                w.WriteString("delta"u8, text);
                w.WriteStartArray("logprobs"u8);
                w.WriteEndArray();
                End("response.output_text.delta"u8, output);
                return;
            case "thinking_delta" when item.Kind == ItemKind.Reasoning:
                item.Text.Append(text);
                w = BeginItemEvent("response.reasoning_summary_text.delta"u8, item);
                w.WriteNumber("summary_index"u8, 0);
                w.WriteString("delta"u8, text);
                End("response.reasoning_summary_text.delta"u8, output);
                return;
            case "input_json_delta" when item.Kind == ItemKind.FunctionCall:
                item.Text.Append(text);
                w = BeginItemEvent("response.function_call_arguments.delta"u8, item);
                w.WriteString("delta"u8, text);
                End("response.function_call_arguments.delta"u8, output);
                return;
            case "input_json_delta" when item.Kind == ItemKind.CustomToolCall:
                // Claude streams the JSON of {"input": "…"}; the text inside is only known whole, so the custom
                // tool's input is sent as one delta when the block ends.
                item.Text.Append(text);
                return;
        }
    }

    private void Close(OpenItem item, IBufferWriter<byte> output)
    {
        Utf8JsonWriter w;
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                string thinking = item.Text.ToString();
                w = BeginItemEvent("response.reasoning_summary_text.done"u8, item);
                w.WriteNumber("summary_index"u8, 0);
                w.WriteString("text"u8, thinking);
                End("response.reasoning_summary_text.done"u8, output);
                w = BeginItemEvent("response.reasoning_summary_part.done"u8, item);
                w.WriteNumber("summary_index"u8, 0);
                w.WritePropertyName("part"u8);
                ResponsesObjectWriter.WriteSummaryPart(w, thinking);
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
                // A tool without parameters streams no JSON at all; its arguments are an empty object.
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
        _doneItems.Add(itemJson);
        w = Begin("response.output_item.done"u8);
        w.WriteNumber("output_index"u8, item.OutputIndex);
        w.WritePropertyName("item"u8);
        w.WriteRawValue(itemJson, skipInputValidation: true);
        End("response.output_item.done"u8, output);
    }

    private void WriteItem(Utf8JsonWriter w, OpenItem item, bool completed)
    {
        switch (item.Kind)
        {
            case ItemKind.Reasoning:
                ResponsesObjectWriter.WriteReasoningItem(w, item.ItemId, completed ? item.Text.ToString() : null,
                    completed ? ReasoningEnvelope.EncodeThinking(item.Text.ToString(), item.Signature.ToString()) : null);
                break;
            case ItemKind.RedactedReasoning:
                ResponsesObjectWriter.WriteReasoningItem(w, item.ItemId, null,
                    completed ? ReasoningEnvelope.EncodeRedacted(item.RedactedData ?? "") : null);
                break;
            case ItemKind.Message:
                ResponsesObjectWriter.WriteMessageItem(w, item.ItemId, completed, completed ? item.Text.ToString() : null);
                break;
            case ItemKind.FunctionCall:
                var (functionName, functionNamespace) = _turn.ClientTool(item.Name);
                ResponsesObjectWriter.WriteFunctionCallItem(w, item.ItemId, item.CallId, functionName, completed ? item.Text.ToString() : "", completed, functionNamespace);
                break;
            case ItemKind.CustomToolCall:
                var (customName, customNamespace) = _turn.ClientTool(item.Name);
                ResponsesObjectWriter.WriteCustomToolCallItem(w, item.ItemId, item.CallId, customName, completed ? item.Text.ToString() : "", completed, customNamespace);
                break;
        }
    }

    private void WriteResponseEvent(ReadOnlySpan<byte> type, ResponsesObjectWriter.Outcome outcome, TokenUsage? usage, IBufferWriter<byte> output)
    {
        var w = Begin(type);
        w.WritePropertyName("response"u8);
        ResponsesObjectWriter.WriteResponse(w, _turn, outcome, UpstreamModel, _doneItems, usage);
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
        None,
        Reasoning,
        RedactedReasoning,
        Message,
        FunctionCall,
        CustomToolCall,
    }

    /// <summary>An output item whose Anthropic block has started and not yet stopped.</summary>
    private sealed class OpenItem(ItemKind kind, int outputIndex, string itemId, string callId, string name)
    {
        public ItemKind Kind { get; } = kind;

        public int OutputIndex { get; } = outputIndex;

        public string ItemId { get; } = itemId;

        public string CallId { get; } = callId;

        public string Name { get; } = name;

        public string? RedactedData { get; init; }

        /// <summary>Text, thinking, or argument JSON so far.</summary>
        public StringBuilder Text { get; } = new();

        public StringBuilder Signature { get; } = new();
    }
}
