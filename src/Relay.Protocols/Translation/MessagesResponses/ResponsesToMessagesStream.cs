using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.MessagesResponses;

/// <summary>
/// A Responses API stream → an Anthropic Messages stream: message_start (at <c>response.created</c>);
/// content_block_start/delta/stop per block with increasing indexes — thinking from
/// <c>reasoning_summary_text.delta</c> (empty signature), text from <c>output_text.delta</c> and <c>refusal.delta</c>,
/// tool_use from a function_call item with <c>input_json_delta</c>; then message_delta with stop_reason and usage
/// (from <c>response.completed</c> or <c>response.incomplete</c>) and message_stop.
/// </summary>
/// <remarks>
/// An Anthropic block must close before the next opens. OpenAI streams items one after another, but nothing in the
/// protocol forbids a second function call's events before the first's <c>output_item.done</c>: such a call is
/// buffered (keyed by <c>output_index</c>) and emitted as soon as the live one closes, or at the end. Arguments for a
/// call whose block already closed fail the stream rather than corrupt it. <c>response.failed</c>, an
/// <c>error</c> event, an event that is not JSON or a stream ending without <c>response.completed</c> /
/// <c>response.incomplete</c> end the client's stream with an Anthropic <c>error</c> event, never a clean end.
/// </remarks>
public sealed class ResponsesToMessagesStream : IStreamTranslator
{
    private readonly string? _requestedModel;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Dictionary<int, Call> _calls = [];
    private readonly List<Call> _pending = [];
    private Utf8JsonWriter? _writer;
    private string _id = "msg_relay";
    private OpenBlock _open = OpenBlock.None;
    private Call? _live;
    private int _nextIndex;
    private bool _started;
    private bool _ended;
    private bool _sawCall;
    private bool _sawRefusal;
    private int _summaryIndex = -1;

    /// <param name="requestedModel">The client's model, used until the upstream names its own.</param>
    public ResponsesToMessagesStream(string? requestedModel = null) => _requestedModel = requestedModel;

    private enum OpenBlock
    {
        None,
        Text,
        Thinking,
        Tool,
    }

    private sealed class Call(string id, string name)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public StringBuilder Arguments { get; } = new();

        public bool Done { get; set; }

        public bool Closed { get; set; }
    }

    public TokenUsage Usage { get; private set; }

    public string? UpstreamModel { get; private set; }

    /// <summary>The upstream completed the response and message_stop was written.</summary>
    public bool EndedProperly { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended || data.IsEmpty || data.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data.ToArray(), ResponsesJson.DocumentOptions);
        }
        catch (JsonException)
        {
            Fail(AnthropicErrors.Api, "The upstream sent an event that is not JSON.", output);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            string type = ResponseOutcome.String(root, "type") ?? Encoding.UTF8.GetString(eventName);
            OnEvent(type, root, output);
        }
    }

    /// <summary>The upstream connection ended; without <c>response.completed</c> the answer was cut and the client gets an error event.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (!_ended)
        {
            Fail(AnthropicErrors.Api, "The upstream stream ended before the response was complete.", output);
        }
    }

    public void Fail(string errorType, string message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        _ended = true;
        output.Write(AnthropicErrors.StreamErrorEvent(errorType, message));
    }

    private void OnEvent(string type, JsonElement e, IBufferWriter<byte> output)
    {
        switch (type)
        {
            case "response.created" or "response.in_progress":
                if (e.TryGetProperty("response", out var created))
                {
                    UpstreamModel ??= ResponseOutcome.String(created, "model");
                    if (!_started && ResponseOutcome.String(created, "id") is { } id)
                    {
                        _id = ResponseOutcome.MessageId(id);
                    }
                }

                EnsureStarted(output);
                break;
            case "response.output_item.added":
                EnsureStarted(output);
                OnItemAdded(e, output);
                break;
            case "response.output_text.delta":
                OnText(ResponseOutcome.String(e, "delta"), output);
                break;
            case "response.refusal.delta":
                _sawRefusal = true;
                OnText(ResponseOutcome.String(e, "delta"), output);
                break;
            case "response.reasoning_summary_text.delta":
                OnSummary(e, output);
                break;
            case "response.function_call_arguments.delta":
                OnArguments(e, output);
                break;
            case "response.output_item.done":
                OnItemDone(e, output);
                break;
            case "response.completed" or "response.incomplete":
                Finish(e.TryGetProperty("response", out var final) ? final : default, output);
                break;
            case "response.failed":
                var failed = e.TryGetProperty("response", out var r) ? r : default;
                var error = failed.ValueKind == JsonValueKind.Object && failed.TryGetProperty("error", out var fe) ? fe : default;
                Usage = failed.ValueKind == JsonValueKind.Object ? ResponseOutcome.Usage(failed) : Usage;
                Fail(ResponseOutcome.ErrorType(ResponseOutcome.String(error, "code")), ResponseOutcome.String(error, "message") ?? "The upstream response failed.", output);
                break;
            case "error":
                var detail = e.TryGetProperty("error", out var nested) && nested.ValueKind == JsonValueKind.Object ? nested : e;
                Fail(ResponseOutcome.ErrorType(ResponseOutcome.String(detail, "code") ?? ResponseOutcome.String(detail, "type")), ResponseOutcome.String(detail, "message") ?? "The upstream reported an error.", output);
                break;
        }
    }

    private void OnItemAdded(JsonElement e, IBufferWriter<byte> output)
    {
        var item = e.TryGetProperty("item", out var i) ? i : default;
        if (ResponseOutcome.String(item, "type") != "function_call")
        {
            return;
        }

        _sawCall = true;
        int index = OutputIndex(e);
        var call = new Call(ResponseOutcome.String(item, "call_id") ?? ResponseOutcome.String(item, "id") ?? $"call_{index}", ResponseOutcome.String(item, "name") ?? "");
        call.Arguments.Append(ResponseOutcome.String(item, "arguments"));
        _calls[index] = call;
        if (_open == OpenBlock.Tool)
        {
            _pending.Add(call);
            return;
        }

        StartLive(call, output);
    }

    private void OnArguments(JsonElement e, IBufferWriter<byte> output)
    {
        string delta = ResponseOutcome.String(e, "delta") ?? "";
        if (!_calls.TryGetValue(OutputIndex(e), out var call) || call.Closed)
        {
            Fail(AnthropicErrors.Api, "The upstream sent arguments for a function call that was not open.", output);
            return;
        }

        call.Arguments.Append(delta);
        if (call == _live && delta.Length > 0)
        {
            WriteBlockDelta(output, "input_json_delta", "partial_json", delta);
        }
    }

    private void OnItemDone(JsonElement e, IBufferWriter<byte> output)
    {
        var item = e.TryGetProperty("item", out var i) ? i : default;
        if (ResponseOutcome.String(item, "type") != "function_call" || !_calls.TryGetValue(OutputIndex(e), out var call))
        {
            return;
        }

        call.Done = true;
        if (call.Arguments.Length == 0 && ResponseOutcome.String(item, "arguments") is { Length: > 0 } arguments)
        {
            // No deltas came: the finished item is the only copy of the arguments.
            call.Arguments.Append(arguments);
            if (call == _live)
            {
                WriteBlockDelta(output, "input_json_delta", "partial_json", arguments);
            }
        }

        if (call != _live)
        {
            return;
        }

        CloseOpen(output);
        while (_pending.Count > 0)
        {
            var next = _pending[0];
            _pending.RemoveAt(0);
            StartLive(next, output);
            if (!next.Done)
            {
                return;
            }

            CloseOpen(output);
        }
    }

    private void StartLive(Call call, IBufferWriter<byte> output)
    {
        CloseOpen(output);
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, _nextIndex);
        w.WriteStartObject("content_block"u8);
        w.WriteString("type"u8, "tool_use"u8);
        w.WriteString("id"u8, call.Id);
        w.WriteString("name"u8, call.Name);
        w.WriteStartObject("input"u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "content_block_start"u8);
        _open = OpenBlock.Tool;
        _live = call;
        if (call.Arguments.Length > 0)
        {
            WriteBlockDelta(output, "input_json_delta", "partial_json", call.Arguments.ToString());
        }
    }

    private void OnText(string? text, IBufferWriter<byte> output)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        Open(OpenBlock.Text, output);
        WriteBlockDelta(output, "text_delta", "text", text);
    }

    private void OnSummary(JsonElement e, IBufferWriter<byte> output)
    {
        string? text = ResponseOutcome.String(e, "delta");
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        int summaryIndex = e.TryGetProperty("summary_index", out var s) && s.TryGetInt32(out int n) ? n : 0;
        bool continuing = _open == OpenBlock.Thinking;
        Open(OpenBlock.Thinking, output);
        if (continuing && summaryIndex != _summaryIndex)
        {
            // Summary parts are separate paragraphs; the non-streamed translation joins them the same way.
            WriteBlockDelta(output, "thinking_delta", "thinking", "\n\n");
        }

        _summaryIndex = summaryIndex;
        WriteBlockDelta(output, "thinking_delta", "thinking", text);
    }

    private void Finish(JsonElement response, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        CloseOpen(output);
        foreach (var call in _pending)
        {
            StartLive(call, output);
            CloseOpen(output);
        }

        _pending.Clear();
        string? status = ResponseOutcome.String(response, "status");
        if (response.ValueKind == JsonValueKind.Object)
        {
            Usage = ResponseOutcome.Usage(response);
            UpstreamModel ??= ResponseOutcome.String(response, "model");
        }

        var usage = Usage;
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "message_delta"u8);
        w.WriteStartObject("delta"u8);
        w.WriteString("stop_reason"u8, ResponseOutcome.StopReason(status, response.ValueKind == JsonValueKind.Object ? ResponseOutcome.IncompleteReason(response) : null, _sawCall, _sawRefusal));
        w.WriteNull("stop_sequence"u8);
        w.WriteEndObject();
        w.WriteStartObject("usage"u8);
        w.WriteNumber("input_tokens"u8, usage.Input);
        w.WriteNumber("cache_read_input_tokens"u8, usage.CacheRead);
        w.WriteNumber("output_tokens"u8, usage.Output);
        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "message_delta"u8);
        w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "message_stop"u8);
        w.WriteEndObject();
        Emit(output, "message_stop"u8);
        _ended = true;
        EndedProperly = true;
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "message_start"u8);
        w.WriteStartObject("message"u8);
        w.WriteString("id"u8, _id);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteString("model"u8, UpstreamModel ?? _requestedModel ?? "");
        w.WriteStartArray("content"u8);
        w.WriteEndArray();
        w.WriteNull("stop_reason"u8);
        w.WriteNull("stop_sequence"u8);
        // Responses reports usage only in the final response; message_delta carries the real counts.
        w.WriteStartObject("usage"u8);
        w.WriteNumber("input_tokens"u8, 0);
        w.WriteNumber("output_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "message_start"u8);
    }

    private void Open(OpenBlock kind, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        if (_open == kind)
        {
            return;
        }

        CloseOpen(output);
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, _nextIndex);
        w.WriteStartObject("content_block"u8);
        if (kind == OpenBlock.Thinking)
        {
            // No signature: only Anthropic signs thinking. The block is dropped when the client sends it back.
            w.WriteString("type"u8, "thinking"u8);
            w.WriteString("thinking"u8, ""u8);
            w.WriteString("signature"u8, ""u8);
        }
        else
        {
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, ""u8);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "content_block_start"u8);
        _open = kind;
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_open == OpenBlock.None)
        {
            return;
        }

        if (_live is { } call)
        {
            call.Closed = true;
            _live = null;
        }

        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_stop"u8);
        w.WriteNumber("index"u8, _nextIndex++);
        w.WriteEndObject();
        Emit(output, "content_block_stop"u8);
        _open = OpenBlock.None;
    }

    private void WriteBlockDelta(IBufferWriter<byte> output, string deltaType, string field, string value)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_delta"u8);
        w.WriteNumber("index"u8, _nextIndex);
        w.WriteStartObject("delta"u8);
        w.WriteString("type"u8, deltaType);
        w.WriteString(field, value);
        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "content_block_delta"u8);
    }

    private static int OutputIndex(JsonElement e) =>
        e.TryGetProperty("output_index", out var i) && i.TryGetInt32(out int n) ? n : 0;

    private Utf8JsonWriter Begin()
    {
        _scratch.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(_scratch, ResponsesJson.WriterOptions);
        w.Reset(_scratch);
        return w;
    }

    private void Emit(IBufferWriter<byte> output, ReadOnlySpan<byte> eventName)
    {
        _writer!.Flush();
        SseWriter.WriteEvent(output, eventName, _scratch.WrittenSpan);
    }
}
