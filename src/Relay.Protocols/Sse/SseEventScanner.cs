using System.Buffers;

namespace Relay.Protocols.Sse;

/// <summary>
/// Incremental server-sent-events parser (WHATWG HTML "event stream interpretation") for a side reader that
/// observes a stream while it is copied through. Chunks may split anywhere; only the unfinished line and the
/// pending event are buffered, in pooled arrays returned on <see cref="Dispose"/>. Not thread-safe, not reentrant.
/// </summary>
/// <remarks>
/// <c>id:</c> and <c>retry:</c> fields are ignored: a relay observer has no use for reconnection state.
/// An event without an <c>event:</c> field is reported with the spec's default name <c>message</c>.
/// </remarks>
public sealed class SseEventScanner : IDisposable
{
    /// <summary>Default bound on one pending event (its unfinished line, name and data together).</summary>
    public const int DefaultMaxEventBytes = 16 * 1024 * 1024;

    // A pending-data buffer grown past this by one huge event is given back after dispatch, so a long stream
    // does not keep its largest event's memory.
    private const int RetainedBufferBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private readonly int _maxEventBytes;
    private byte[]? _line;
    private int _lineLength;
    private byte[]? _data;
    private int _dataLength;
    private bool _hasData;
    private byte[]? _eventName;
    private int _eventNameLength;
    private bool _skipLeadingLf;
    private bool _pastStart;
    private int _bomMatched;
    private bool _disposed;

    /// <param name="maxEventBytes">Bound on one pending event; past it <see cref="Feed"/> returns false.</param>
    public SseEventScanner(int maxEventBytes = DefaultMaxEventBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEventBytes);
        _maxEventBytes = maxEventBytes;
    }

    /// <summary>True when bytes of an event that has not been terminated by a blank line are buffered: a stream ending now was cut.</summary>
    public bool HasPartialEvent => _lineLength > 0 || _hasData || _eventNameLength > 0 || _bomMatched > 0;

    /// <summary>True once an event outgrew the bound; every later <see cref="Feed"/> returns false.</summary>
    public bool IsFaulted { get; private set; }

    /// <summary>
    /// Parses <paramref name="chunk"/> and calls <paramref name="sink"/> for each event it completes.
    /// Returns false (and faults the scanner) when a pending event exceeds the bound; it never throws for bad input.
    /// </summary>
    public bool Feed(ReadOnlySpan<byte> chunk, ISseEventSink sink)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(sink);
        if (IsFaulted)
        {
            return false;
        }

        if (!_pastStart && !SkipBom(ref chunk))
        {
            return Fault();
        }

        if (_skipLeadingLf && !chunk.IsEmpty)
        {
            // The previous chunk ended in CR; an LF here is the second half of the same CRLF.
            _skipLeadingLf = false;
            if (chunk[0] == (byte)'\n')
            {
                chunk = chunk[1..];
            }
        }

        while (!chunk.IsEmpty)
        {
            int end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                return AppendLine(chunk) || Fault();
            }

            bool ok;
            if (_lineLength == 0)
            {
                ok = ProcessLine(chunk[..end], sink);
            }
            else
            {
                ok = AppendLine(chunk[..end]) && ProcessLine(_line.AsSpan(0, _lineLength), sink);
                _lineLength = 0;
            }

            if (!ok)
            {
                return Fault();
            }

            if (chunk[end] == (byte)'\r')
            {
                if (end + 1 == chunk.Length)
                {
                    _skipLeadingLf = true;
                }
                else if (chunk[end + 1] == (byte)'\n')
                {
                    end++;
                }
            }

            chunk = chunk[(end + 1)..];
        }

        return true;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Release(ref _line);
        Release(ref _data);
        Release(ref _eventName);
        _lineLength = _dataLength = _eventNameLength = 0;
        _hasData = false;
    }

    private bool SkipBom(ref ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            if (chunk[0] != Bom[_bomMatched])
            {
                // Not a BOM after all: the bytes taken so far belong to the first line.
                _pastStart = true;
                bool ok = AppendLine(Bom[.._bomMatched]);
                _bomMatched = 0;
                return ok;
            }

            chunk = chunk[1..];
            if (++_bomMatched == Bom.Length)
            {
                _pastStart = true;
                _bomMatched = 0;
                return true;
            }
        }

        return true;
    }

    private bool ProcessLine(ReadOnlySpan<byte> line, ISseEventSink sink)
    {
        if (line.IsEmpty)
        {
            Dispatch(sink);
            return true;
        }

        if (line[0] == (byte)':')
        {
            return true;
        }

        ReadOnlySpan<byte> field = line, value = default;
        int colon = line.IndexOf((byte)':');
        if (colon >= 0)
        {
            field = line[..colon];
            value = line[(colon + 1)..];
            if (!value.IsEmpty && value[0] == (byte)' ')
            {
                value = value[1..];
            }
        }

        if (field.SequenceEqual("data"u8))
        {
            return AppendData(value);
        }

        if (field.SequenceEqual("event"u8))
        {
            return SetEventName(value);
        }

        return true;
    }

    private void Dispatch(ISseEventSink sink)
    {
        if (!_hasData)
        {
            // Per spec an event with no data line is dropped, name and all.
            _eventNameLength = 0;
            return;
        }

        try
        {
            var name = _eventNameLength > 0 ? _eventName.AsSpan(0, _eventNameLength) : "message"u8;
            sink.OnEvent(name, _data is null ? default : _data.AsSpan(0, _dataLength));
        }
        finally
        {
            _hasData = false;
            _dataLength = 0;
            _eventNameLength = 0;
            if (_data is not null && _data.Length > RetainedBufferBytes)
            {
                Release(ref _data);
            }
        }
    }

    private bool AppendLine(ReadOnlySpan<byte> bytes)
    {
        if ((long)_lineLength + bytes.Length + _dataLength + _eventNameLength > _maxEventBytes)
        {
            return false;
        }

        Append(ref _line, ref _lineLength, bytes);
        return true;
    }

    private bool AppendData(ReadOnlySpan<byte> value)
    {
        int separator = _hasData ? 1 : 0;
        if ((long)_dataLength + separator + value.Length + _eventNameLength > _maxEventBytes)
        {
            return false;
        }

        if (_hasData)
        {
            Append(ref _data, ref _dataLength, "\n"u8);
        }

        Append(ref _data, ref _dataLength, value);
        _hasData = true;
        return true;
    }

    private bool SetEventName(ReadOnlySpan<byte> value)
    {
        if ((long)_dataLength + value.Length > _maxEventBytes)
        {
            return false;
        }

        _eventNameLength = 0;
        Append(ref _eventName, ref _eventNameLength, value);
        return true;
    }

    private static void Append(ref byte[]? buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        if (buffer is null || buffer.Length - length < bytes.Length)
        {
            long wanted = Math.Max(Math.Max(256L, (buffer?.Length ?? 0) * 2L), (long)length + bytes.Length);
            var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
            if (buffer is not null)
            {
                buffer.AsSpan(0, length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(buffer);
            }

            buffer = grown;
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private bool Fault()
    {
        IsFaulted = true;
        return false;
    }

    private static void Release(ref byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }
}
