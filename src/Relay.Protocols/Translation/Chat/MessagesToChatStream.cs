using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// An Anthropic Messages stream → a Chat Completions stream, event by event. The client sees what OpenAI sends:
/// a first chunk with <c>role: assistant</c>; content, reasoning and tool-call deltas (each tool call keeps its own
/// <c>index</c>; its first delta carries id, name and <c>arguments: ""</c>, later ones argument fragments only); a
/// chunk with <c>finish_reason</c>; with <c>include_usage</c>, a chunk with empty <c>choices</c> and <c>usage</c>;
/// then <c>data: [DONE]</c>. Failures end the stream with <c>data: {"error":…}</c> and no <c>[DONE]</c>.
/// </summary>
public sealed class MessagesToChatStream : IStreamTranslator
{
    private readonly bool _includeUsage;
    private readonly string? _requestedModel;
    private readonly long _created;
    private readonly Dictionary<int, Block> _blocks = [];
    private Utf8JsonWriter? _writer;
    private UsageFields _usage;
    private string _id = "chatcmpl-relay";
    private string? _stopReason;
    private int _toolCalls;
    private int _reasoningBlocks;
    private bool _started;
    private bool _ended;

    /// <param name="includeUsage">The client asked for <c>stream_options.include_usage: true</c>: end with a usage chunk.</param>
    /// <param name="requestedModel">The client's model, used in chunks only until the upstream names its own.</param>
    /// <param name="created">Unix seconds for <c>created</c>; now when null.</param>
    public MessagesToChatStream(bool includeUsage, string? requestedModel = null, long? created = null)
    {
        _includeUsage = includeUsage;
        _requestedModel = requestedModel;
        _created = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    public TokenUsage Usage => _usage.ToTokenUsage();

    public string? UpstreamModel { get; private set; }

    /// <summary>True once the upstream's <c>message_stop</c> arrived and <c>[DONE]</c> was written.</summary>
    public bool EndedProperly { get; private set; }

    private string Model => UpstreamModel ?? _requestedModel ?? "";

    private enum BlockKind
    {
        Other,
        Text,
        Thinking,
        ToolUse,
    }

    private readonly record struct Block(BlockKind Kind, int Ordinal);

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_ended)
        {
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
            var root = document.RootElement;
            string? type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
            switch (type)
            {
                case "message_start":
                    OnMessageStart(root, output);
                    break;
                case "content_block_start":
                    OnBlockStart(root, output);
                    break;
                case "content_block_delta":
                    OnBlockDelta(root, output);
                    break;
                case "message_delta":
                    OnMessageDelta(root, output);
                    break;
                case "message_stop":
                    OnMessageStop(output);
                    break;
                case "error":
                    string? errorType = null, message = null;
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                    {
                        errorType = error.TryGetProperty("type", out var et) && et.ValueKind == JsonValueKind.String ? et.GetString() : null;
                        message = error.TryGetProperty("message", out var em) && em.ValueKind == JsonValueKind.String ? em.GetString() : null;
                    }

                    Fail(errorType ?? "api_error", message ?? "The upstream reported an error.", output);
                    break;

                // ping and content_block_stop have no Chat counterpart.
            }
        }
    }

    /// <summary>
    /// The upstream connection ended. After <c>message_stop</c> there is nothing left to write; without it the
    /// answer was cut, so the client gets an error chunk rather than a quiet end it would take for a whole answer.
    /// </summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (!_ended)
        {
            Fail("api_error", "The upstream stream ended before the message was complete.", output);
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
        ChatErrors.WriteStreamError(output, errorType, message);
    }

    private void OnMessageStart(JsonElement root, IBufferWriter<byte> output)
    {
        if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            if (message.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                _id = ChatIds.CompletionId(id.GetString()!);
            }

            if (message.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            {
                UpstreamModel = model.GetString();
            }

            ReadUsage(message);
        }

        EnsureStarted(output);
    }

    private void EnsureStarted(IBufferWriter<byte> output)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        var w = BeginChunk(output);
        w.WriteString("role"u8, "assistant"u8);
        w.WriteString("content"u8, ""u8);
        EndChunk(w, output, null);
    }

    private void OnBlockStart(JsonElement root, IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        int index = root.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : _blocks.Count;
        var block = root.TryGetProperty("content_block", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
        string? type = String(block, "type");
        switch (type)
        {
            case "text":
                _blocks[index] = new Block(BlockKind.Text, 0);
                if (String(block, "text") is { Length: > 0 } text)
                {
                    WriteContent(text, output);
                }

                break;
            case "thinking":
                _blocks[index] = new Block(BlockKind.Thinking, _reasoningBlocks++);
                break;
            case "redacted_thinking":
                int ordinal = _reasoningBlocks++;
                _blocks[index] = new Block(BlockKind.Other, ordinal);
                var rw = BeginChunk(output);
                rw.WriteStartArray("reasoning_details"u8);
                ReasoningDetailWriter.WriteEncrypted(rw, ordinal, String(block, "data") ?? "");
                rw.WriteEndArray();
                EndChunk(rw, output, null);
                break;
            case "tool_use":
                int call = _toolCalls++;
                _blocks[index] = new Block(BlockKind.ToolUse, call);
                var w = BeginChunk(output);
                w.WriteStartArray("tool_calls"u8);
                w.WriteStartObject();
                w.WriteNumber("index"u8, call);
                w.WriteString("id"u8, String(block, "id") ?? "");
                w.WriteString("type"u8, "function"u8);
                w.WriteStartObject("function"u8);
                w.WriteString("name"u8, String(block, "name") ?? "");
                w.WriteString("arguments"u8, ""u8);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                EndChunk(w, output, null);
                break;
            default:
                // Server-tool blocks (web search results and the like) have no Chat shape; a Chat client never asked for them.
                _blocks[index] = new Block(BlockKind.Other, 0);
                break;
        }
    }

    private void OnBlockDelta(JsonElement root, IBufferWriter<byte> output)
    {
        int index = root.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : -1;
        var delta = root.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        _blocks.TryGetValue(index, out var block);
        switch (String(delta, "type"))
        {
            case "text_delta" when String(delta, "text") is { Length: > 0 } text:
                WriteContent(text, output);
                break;
            case "thinking_delta" when String(delta, "thinking") is { Length: > 0 } thinking:
                var tw = BeginChunk(output);
                tw.WriteString("reasoning_content"u8, thinking);
                tw.WriteStartArray("reasoning_details"u8);
                ReasoningDetailWriter.WriteText(tw, block.Ordinal, thinking, null);
                tw.WriteEndArray();
                EndChunk(tw, output, null);
                break;
            case "signature_delta" when String(delta, "signature") is { Length: > 0 } signature:
                var sw = BeginChunk(output);
                sw.WriteStartArray("reasoning_details"u8);
                ReasoningDetailWriter.WriteText(sw, block.Ordinal, null, signature);
                sw.WriteEndArray();
                EndChunk(sw, output, null);
                break;
            case "input_json_delta" when block.Kind == BlockKind.ToolUse && String(delta, "partial_json") is { Length: > 0 } json:
                var aw = BeginChunk(output);
                aw.WriteStartArray("tool_calls"u8);
                aw.WriteStartObject();
                aw.WriteNumber("index"u8, block.Ordinal);
                aw.WriteStartObject("function"u8);
                aw.WriteString("arguments"u8, json);
                aw.WriteEndObject();
                aw.WriteEndObject();
                aw.WriteEndArray();
                EndChunk(aw, output, null);
                break;
        }
    }

    private void OnMessageDelta(JsonElement root, IBufferWriter<byte> output)
    {
        ReadUsage(root);
        if (root.TryGetProperty("delta", out var delta) && String(delta, "stop_reason") is { } stopReason)
        {
            _stopReason = stopReason;
        }

        EnsureStarted(output);
    }

    private void OnMessageStop(IBufferWriter<byte> output)
    {
        EnsureStarted(output);
        var w = BeginChunk(output);
        EndChunk(w, output, StopReasons.ToFinishReason(_stopReason));
        if (_includeUsage)
        {
            var uw = StartChunkObject(output);
            uw.WriteStartArray("choices"u8);
            uw.WriteEndArray();
            ChatUsageWriter.Write(uw, Usage);
            uw.WriteEndObject();
            FinishEvent(uw, output);
        }

        output.Write("data: [DONE]\n\n"u8);
        _ended = true;
        EndedProperly = true;
    }

    private void WriteContent(string text, IBufferWriter<byte> output)
    {
        var w = BeginChunk(output);
        w.WriteString("content"u8, text);
        EndChunk(w, output, null);
    }

    private void ReadUsage(JsonElement holder)
    {
        if (holder.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(usage.GetRawText()));
            reader.Read();
            UsageFields.Read(ref reader, ref _usage);
        }
    }

    private Utf8JsonWriter StartChunkObject(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        var w = _writer ??= new Utf8JsonWriter(output, ChatJson.WriterOptions);
        w.Reset(output);
        w.WriteStartObject();
        w.WriteString("id"u8, _id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, _created);
        w.WriteString("model"u8, Model);
        return w;
    }

    // Opens a chunk and leaves the writer inside choices[0].delta.
    private Utf8JsonWriter BeginChunk(IBufferWriter<byte> output)
    {
        var w = StartChunkObject(output);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteStartObject("delta"u8);
        return w;
    }

    private static void EndChunk(Utf8JsonWriter w, IBufferWriter<byte> output, string? finishReason)
    {
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            w.WriteNull("finish_reason"u8);
        }
        else
        {
            w.WriteString("finish_reason"u8, finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        FinishEvent(w, output);
    }

    private static void FinishEvent(Utf8JsonWriter w, IBufferWriter<byte> output)
    {
        w.Flush();
        output.Write("\n\n"u8);
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
