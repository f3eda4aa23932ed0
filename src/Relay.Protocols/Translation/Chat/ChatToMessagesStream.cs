using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// A Chat Completions stream → an Anthropic Messages stream: message_start; content_block_start/delta/stop per block
/// with increasing indexes (thinking from <c>reasoning_content</c>/<c>reasoning</c>, text from <c>content</c>,
/// tool_use with <c>input_json_delta</c>); message_delta with stop_reason and usage; message_stop.
/// </summary>
/// <remarks>
/// An Anthropic block must be closed before the next one opens, while Chat may interleave parallel tool calls by
/// <c>index</c>. The first call streams live; a call that starts while another is open is buffered whole and emitted
/// as one block (one <c>input_json_delta</c>) when the answer ends. Tool calls run only after the message ends, so
/// this costs no latency that matters and can never mix two calls' arguments. Text or reasoning after a tool call
/// closes it; arguments arriving for a closed call fail the stream rather than corrupt it.
/// The request must have asked for <c>stream_options.include_usage</c> (<see cref="MessagesToChatRequest"/> does), or
/// the usage is zero.
/// </remarks>
public sealed class ChatToMessagesStream : IStreamTranslator
{
    private readonly string? _requestedModel;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Dictionary<int, PendingCall> _pending = [];
    private readonly List<int> _pendingOrder = [];
    private readonly HashSet<int> _closedCalls = [];
    private ChatUsageFields _usage;
    private Utf8JsonWriter? _writer;
    private string _id = "msg_relay";
    private string? _finishReason;
    private OpenBlock _open = OpenBlock.None;
    private int _liveCall = -1;
    private int _nextIndex;
    private bool _started;
    private bool _ended;

    /// <param name="requestedModel">The client's model, used until the upstream names its own.</param>
    public ChatToMessagesStream(string? requestedModel = null) => _requestedModel = requestedModel;

    private enum OpenBlock
    {
        None,
        Text,
        Thinking,
        Tool,
    }

    private sealed class PendingCall(string id, string name)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public StringBuilder Arguments { get; } = new();
    }

    public TokenUsage Usage => _usage.ToTokenUsage();

    public string? UpstreamModel { get; private set; }

    /// <summary>The upstream ended properly (a finish_reason, then <c>[DONE]</c> or the end of the body) and message_stop was written.</summary>
    public bool EndedProperly { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
            return;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            if (_finishReason is null)
            {
                Fail("api_error", "The upstream stream ended without a finish reason.", output);
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
            Fail("api_error", "The upstream sent an event that is not JSON.", output);
            return;
        }

        using (document)
        {
            OnChunk(document.RootElement, output);
        }
    }

    /// <summary>
    /// The upstream connection ended. With a finish reason seen, the message is closed normally (some hosts omit
    /// <c>[DONE]</c>); without one the answer was cut, and the client gets an <c>error</c> event, not a quiet end.
    /// </summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_ended)
        {
            return;
        }

        if (_finishReason is null)
        {
            Fail("api_error", "The upstream stream ended before the answer was complete.", output);
        }
        else
        {
            Finish(output);
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

    private void OnChunk(JsonElement chunk, IBufferWriter<byte> output)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (chunk.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            string? message = String(error, "message");
            Fail(AnthropicErrorType(String(error, "type")), message ?? "The upstream reported an error.", output);
            return;
        }

        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(usage.GetRawText()));
            reader.Read();
            var fields = default(ChatUsageFields);
            ChatUsageFields.Read(ref reader, ref fields);
            _usage = fields;
        }

        UpstreamModel ??= String(chunk, "model");
        if (!_started && String(chunk, "id") is { } id)
        {
            _id = ChatIds.MessageId(id);
        }

        EnsureStarted(output);
        if (!chunk.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
        {
            return;
        }

        var choice = choices[0];
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            OnDelta(delta, output);
        }

        if (String(choice, "finish_reason") is { } finish)
        {
            _finishReason = finish;
        }
    }

    private void OnDelta(JsonElement delta, IBufferWriter<byte> output)
    {
        string? reasoning = String(delta, "reasoning_content") ?? String(delta, "reasoning");
        if (!string.IsNullOrEmpty(reasoning))
        {
            Open(OpenBlock.Thinking, output);
            WriteBlockDelta(output, "thinking_delta", "thinking", reasoning);
        }

        if (String(delta, "content") is { Length: > 0 } text)
        {
            Open(OpenBlock.Text, output);
            WriteBlockDelta(output, "text_delta", "text", text);
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (!OnToolCall(call, output))
                {
                    return;
                }
            }
        }
    }

    private bool OnToolCall(JsonElement call, IBufferWriter<byte> output)
    {
        int index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : 0;
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        string arguments = String(function, "arguments") ?? "";
        if (_open == OpenBlock.Tool && index == _liveCall)
        {
            if (arguments.Length > 0)
            {
                WriteBlockDelta(output, "input_json_delta", "partial_json", arguments);
            }

            return true;
        }

        if (_closedCalls.Contains(index))
        {
            Fail("api_error", "The upstream sent arguments for a tool call that had already ended.", output);
            return false;
        }

        if (_pending.TryGetValue(index, out var pending))
        {
            pending.Arguments.Append(arguments);
            return true;
        }

        string id = String(call, "id") ?? $"call_{index}";
        string name = String(function, "name") ?? "";
        if (_open == OpenBlock.Tool)
        {
            var buffered = new PendingCall(id, name);
            buffered.Arguments.Append(arguments);
            _pending[index] = buffered;
            _pendingOrder.Add(index);
            return true;
        }

        CloseOpen(output);
        StartToolBlock(output, id, name);
        _open = OpenBlock.Tool;
        _liveCall = index;
        if (arguments.Length > 0)
        {
            WriteBlockDelta(output, "input_json_delta", "partial_json", arguments);
        }

        return true;
    }

    private void Finish(IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        CloseOpen(output);
        foreach (int index in _pendingOrder)
        {
            var call = _pending[index];
            StartToolBlock(output, call.Id, call.Name);
            if (call.Arguments.Length > 0)
            {
                WriteBlockDelta(output, "input_json_delta", "partial_json", call.Arguments.ToString());
            }

            WriteBlockStop(output);
        }

        _pending.Clear();
        _pendingOrder.Clear();
        var usage = Usage;
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "message_delta"u8);
        w.WriteStartObject("delta"u8);
        w.WriteString("stop_reason"u8, StopReasons.ToStopReason(_finishReason));
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
        // Chat reports usage only at the end; message_delta carries the real counts.
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
            // No signature: only Anthropic can sign thinking, and an OpenAI-compatible host's reasoning is not Anthropic's.
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

    private void StartToolBlock(IBufferWriter<byte> output, string id, string name)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_start"u8);
        w.WriteNumber("index"u8, _nextIndex);
        w.WriteStartObject("content_block"u8);
        w.WriteString("type"u8, "tool_use"u8);
        w.WriteString("id"u8, id);
        w.WriteString("name"u8, name);
        w.WriteStartObject("input"u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        Emit(output, "content_block_start"u8);
    }

    private void CloseOpen(IBufferWriter<byte> output)
    {
        if (_open == OpenBlock.None)
        {
            return;
        }

        if (_open == OpenBlock.Tool)
        {
            _closedCalls.Add(_liveCall);
            _liveCall = -1;
        }

        WriteBlockStop(output);
        _open = OpenBlock.None;
    }

    private void WriteBlockStop(IBufferWriter<byte> output)
    {
        var w = Begin();
        w.WriteStartObject();
        w.WriteString("type"u8, "content_block_stop"u8);
        w.WriteNumber("index"u8, _nextIndex++);
        w.WriteEndObject();
        Emit(output, "content_block_stop"u8);
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

    private Utf8JsonWriter Begin()
    {
        _scratch.ResetWrittenCount();
        var w = _writer ??= new Utf8JsonWriter(_scratch, ChatJson.WriterOptions);
        w.Reset(_scratch);
        return w;
    }

    private void Emit(IBufferWriter<byte> output, ReadOnlySpan<byte> eventName)
    {
        _writer!.Flush();
        SseWriter.WriteEvent(output, eventName, _scratch.WrittenSpan);
    }

    private static string AnthropicErrorType(string? openAiType) => openAiType switch
    {
        "invalid_request_error" => AnthropicErrors.InvalidRequest,
        "rate_limit_error" or "rate_limit_exceeded" or "tokens" or "requests" => AnthropicErrors.RateLimit,
        "authentication_error" => AnthropicErrors.Authentication,
        "permission_error" => AnthropicErrors.Permission,
        _ => AnthropicErrors.Api,
    };

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
