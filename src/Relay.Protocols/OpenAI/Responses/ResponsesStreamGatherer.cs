using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Sse;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>How a gathered Responses stream ended.</summary>
public enum ResponsesStreamEnd
{
    /// <summary>No terminal event (yet): a stream that closes now was cut.</summary>
    None,

    /// <summary><c>response.completed</c>: <see cref="ResponsesStreamGatherer.Response"/> is the answer.</summary>
    Completed,

    /// <summary><c>response.incomplete</c> (e.g. <c>max_output_tokens</c>): <see cref="ResponsesStreamGatherer.Response"/> is the answer, with <c>status: "incomplete"</c>.</summary>
    Incomplete,

    /// <summary><c>response.failed</c> or <c>error</c>: no answer; see <see cref="ResponsesStreamGatherer.ErrorCode"/>.</summary>
    Failed,
}

/// <summary>
/// Gathers a Responses API event stream into the response object a non-streamed call would have returned: the
/// <c>response</c> member of the terminal event, byte for byte. Fed incrementally (chunks may split anywhere), so the
/// caller keeps its idle timeout between reads. Everything kept is bounded by <c>maxBytes</c>.
/// <para>
/// ChatGPT's Codex backend ends with <c>response.completed</c> whose <c>output</c> is <c>[]</c> (it keeps no stored
/// response to echo); the items arrive only in <c>response.output_item.done</c> events. Those items are kept as they
/// stream, and an empty or missing <c>output</c> of the terminal object is filled with them in <c>output_index</c>
/// order, so no message, tool call or reasoning item is lost. A populated <c>output</c> (the OpenAI API) is kept as sent.
/// </para>
/// </summary>
public sealed class ResponsesStreamGatherer : ISseEventSink, IDisposable
{
    private readonly int _maxBytes;
    private readonly SseEventScanner _scanner;
    private readonly ResponsesStreamObserver _observer = new();
    private readonly ArrayBufferWriter<byte> _items = new();
    private readonly List<(int Index, int Start, int Length)> _itemRanges = [];
    private byte[]? _terminal;
    private ReadOnlyMemory<byte>? _response;

    /// <param name="maxBytes">Bound on one event and on everything kept (items and the terminal object together).</param>
    public ResponsesStreamGatherer(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        _maxBytes = maxBytes;
        _scanner = new SseEventScanner(maxBytes);
    }

    /// <summary>How the stream ended, as far as it has been read.</summary>
    public ResponsesStreamEnd End => _observer switch
    {
        { Failed: true } => ResponsesStreamEnd.Failed,
        { Incomplete: true } => ResponsesStreamEnd.Incomplete,
        { SawTerminalEvent: true } => ResponsesStreamEnd.Completed,
        _ => ResponsesStreamEnd.None,
    };

    /// <summary>The failure's <c>code</c> (<c>rate_limit_exceeded</c>, <c>server_error</c> …), when one was given.</summary>
    public string? ErrorCode => _observer.ErrorCode;

    /// <summary>The failure's message, when one was given.</summary>
    public string? ErrorMessage => _observer.ErrorMessage;

    /// <summary>An event or the kept bytes outgrew the bound; every later <see cref="Feed"/> returns false.</summary>
    public bool Oversized { get; private set; }

    /// <summary>The final response object (output filled from the streamed items when the terminal one had none); null unless <see cref="End"/> is Completed or Incomplete.</summary>
    public ReadOnlyMemory<byte>? Response
    {
        get
        {
            if (End is not (ResponsesStreamEnd.Completed or ResponsesStreamEnd.Incomplete) || _terminal is null)
            {
                return null;
            }

            return _response ??= WithItems(_terminal);
        }
    }

    /// <summary>Parses one chunk of the stream; false when it outgrew the bound (the caller stops reading).</summary>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        if (Oversized || !_scanner.Feed(chunk, this) || Oversized)
        {
            Oversized = true;
            return false;
        }

        return true;
    }

    void ISseEventSink.OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (End != ResponsesStreamEnd.None)
        {
            // The terminal event decided the answer; nothing after it can change it.
            return;
        }

        _observer.OnEvent(eventName, data);
        try
        {
            switch (ResponsesEventKinds.Of(eventName, data))
            {
                case ResponsesEventKind.Completed or ResponsesEventKind.Incomplete:
                    KeepTerminal(data);
                    break;
                case ResponsesEventKind.Other when IsItemDone(eventName, data):
                    KeepItem(data);
                    break;
            }
        }
        catch (JsonException)
        {
            // A malformed event keeps nothing; a terminal one without a readable object leaves no answer (a failure).
        }
    }

    public void Dispose() => _scanner.Dispose();

    /// <summary>
    /// Checked here rather than in <see cref="ResponsesEventKinds"/>, so the observer every relayed Responses stream
    /// runs pays nothing for an event only gathering needs.
    /// </summary>
    private static bool IsItemDone(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) =>
        (eventName.SequenceEqual("message"u8) ? ResponsesEventKinds.TypeOf(data) : eventName).SequenceEqual("response.output_item.done"u8);

    /// <summary><c>{"type":"response.output_item.done","output_index":N,"item":{…}}</c>: the item's bytes and its index.</summary>
    private void KeepItem(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        var index = _itemRanges.Count;
        ReadOnlySpan<byte> item = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("output_index"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
                {
                    index = n;
                }
            }
            else if (reader.ValueTextEquals("item"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                item = reader.TokenType == JsonTokenType.EndObject ? data[start..(int)reader.BytesConsumed] : default;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (item.IsEmpty || !Keep(item.Length))
        {
            return;
        }

        _itemRanges.Add((index, _items.WrittenCount, item.Length));
        _items.Write(item);
    }

    /// <summary>The terminal event's <c>response</c> object, copied as sent.</summary>
    private void KeepTerminal(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isResponse = reader.ValueTextEquals("response"u8);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            var type = reader.TokenType;
            reader.Skip();
            if (isResponse && type == JsonTokenType.StartObject && Keep(data.Length))
            {
                _terminal = data[start..(int)reader.BytesConsumed].ToArray();
                return;
            }
        }
    }

    private bool Keep(int length)
    {
        if ((long)_items.WrittenCount + (_terminal?.Length ?? 0) + length > _maxBytes)
        {
            Oversized = true;
            return false;
        }

        return true;
    }

    /// <summary>
    /// The terminal object itself when its <c>output</c> has items (or nothing was streamed); otherwise the same members
    /// with <c>output</c> set to the streamed items. Every other member keeps its exact bytes.
    /// </summary>
    private ReadOnlyMemory<byte> WithItems(byte[] terminal)
    {
        if (_itemRanges.Count == 0 || HasOutput(terminal))
        {
            return terminal;
        }

        var output = new ArrayBufferWriter<byte>(terminal.Length + _items.WrittenCount + 16);
        var reader = new Utf8JsonReader(terminal, ResponsesJson.ReaderOptions);
        reader.Read();
        output.Write("{"u8);
        var first = true;
        var wroteItems = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var isOutput = reader.ValueTextEquals("output"u8);
            reader.Read();
            reader.Skip();
            Separate(output, ref first);
            if (isOutput)
            {
                // In its place, so the object reads as the API's own.
                WriteItems(output);
                wroteItems = true;
                continue;
            }

            output.Write(terminal.AsSpan(start, (int)reader.BytesConsumed - start));
        }

        if (!wroteItems)
        {
            Separate(output, ref first);
            WriteItems(output);
        }

        output.Write("}"u8);
        return output.WrittenMemory;
    }

    /// <summary><c>"output":[…]</c> with the streamed items by <c>output_index</c> (stable: repeats keep their order).</summary>
    private void WriteItems(ArrayBufferWriter<byte> output)
    {
        output.Write("\"output\":["u8);
        var first = true;
        foreach (var (_, start, length) in _itemRanges.OrderBy(range => range.Index))
        {
            Separate(output, ref first);
            output.Write(_items.WrittenSpan.Slice(start, length));
        }

        output.Write("]"u8);
    }

    /// <summary>Does the object have a non-empty <c>output</c> array?</summary>
    private static bool HasOutput(ReadOnlySpan<byte> response)
    {
        var reader = new Utf8JsonReader(response, ResponsesJson.ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isOutput = reader.ValueTextEquals("output"u8);
            reader.Read();
            if (isOutput)
            {
                return reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray;
            }

            reader.Skip();
        }

        return false;
    }

    private static void Separate(ArrayBufferWriter<byte> output, ref bool first)
    {
        if (!first)
        {
            output.Write(","u8);
        }

        first = false;
    }
}
