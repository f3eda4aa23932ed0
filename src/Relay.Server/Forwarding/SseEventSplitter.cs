using System.Buffers;

namespace Relay.Server.Forwarding;

/// <summary>
/// Holds upstream SSE bytes until they form whole events, so the client receives complete events
/// only — each exactly as the upstream sent it. Holding back a partial event is what lets Relay end
/// a cut stream with a clean <c>error</c> event instead of half a JSON line.
/// Line endings follow the SSE spec (<c>\n</c>, <c>\r\n</c>, <c>\r</c>); an event ends at an empty line.
/// </summary>
internal sealed class SseEventSplitter : IDisposable
{
    private const int MaxPendingBytes = 16 * 1024 * 1024;
    private byte[] _pending = [];
    private int _length;
    private int _scanned;
    private int _ready;
    private bool _atLineStart = true;
    private bool _lastWasCr;

    /// <summary>Bytes of complete events waiting to be written.</summary>
    public ReadOnlyMemory<byte> Ready => _pending.AsMemory(0, _ready);

    /// <summary>True when bytes of an unterminated event are being held.</summary>
    public bool HasPartialEvent => _length > _ready;

    /// <returns>false when a single event grew beyond the safety bound.</returns>
    public bool Append(ReadOnlySpan<byte> chunk)
    {
        if (_length + chunk.Length > MaxPendingBytes)
        {
            return false;
        }

        EnsureCapacity(_length + chunk.Length);
        chunk.CopyTo(_pending.AsSpan(_length));
        _length += chunk.Length;
        Scan();
        return true;
    }

    /// <summary>Drops the bytes of <see cref="Ready"/> after they were written.</summary>
    public void ConsumeReady()
    {
        if (_ready == 0)
        {
            return;
        }

        var rest = _length - _ready;
        _pending.AsSpan(_ready, rest).CopyTo(_pending);
        _length = rest;
        _scanned -= _ready;
        _ready = 0;

        if (_length == 0 && _pending.Length > 64 * 1024)
        {
            // Give a large buffer back between events so an idle stream holds no memory.
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }
    }

    public void Dispose()
    {
        if (_pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = [];
        }
    }

    private void Scan()
    {
        var span = _pending.AsSpan(0, _length);
        for (var i = _scanned; i < span.Length; i++)
        {
            switch (span[i])
            {
                case (byte)'\n' when _lastWasCr:
                    // Second half of a CRLF: the terminator was counted at the CR; keep it with its event.
                    _lastWasCr = false;
                    if (_ready == i)
                    {
                        _ready = i + 1;
                    }

                    break;
                case (byte)'\n':
                case (byte)'\r':
                    _lastWasCr = span[i] == (byte)'\r';
                    if (_atLineStart)
                    {
                        _ready = i + 1;
                    }

                    _atLineStart = true;
                    break;
                default:
                    _lastWasCr = false;
                    _atLineStart = false;
                    break;
            }
        }

        _scanned = span.Length;
    }

    private void EnsureCapacity(int needed)
    {
        if (_pending.Length >= needed)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, _pending.Length * 2)));
        _pending.AsSpan(0, _length).CopyTo(larger);
        if (_pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_pending);
        }

        _pending = larger;
    }
}
