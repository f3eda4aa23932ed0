using Relay.Core.Snapshots;
using Relay.Core.Usage;

namespace Relay.Server.Inference;

/// <summary>
/// The response bytes one request sent to its client, kept for content logging. Exists only while the live setting
/// <c>logContent</c> is on (<see cref="For"/> returns null otherwise, so the request path pays one bool read and one
/// null check per write). Every write to the client passes its bytes to <see cref="Append"/> first: the first
/// <c>contentMaxBytes</c> are copied into one buffer that grows by doubling (a handful of allocations per request,
/// none per chunk); the rest is only counted.
/// </summary>
internal sealed class ContentCapture
{
    private const int InitialCapacity = 16 * 1024;
    private readonly int _maxBytes;
    private byte[] _response = [];
    private int _length;
    private long _total;

    private ContentCapture(int maxBytes) => _maxBytes = maxBytes;

    /// <summary>A capture when the snapshot says content logging is on, else null.</summary>
    public static ContentCapture? For(RelaySnapshot snapshot) =>
        snapshot.Settings.LogContent ? new ContentCapture(snapshot.Settings.ContentMaxBytes) : null;

    /// <summary>Bytes about to be written to the client.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        var take = Math.Min(_maxBytes - _length, bytes.Length);
        if (take <= 0)
        {
            return;
        }

        if (_length + take > _response.Length)
        {
            var grown = new byte[Math.Min(_maxBytes, Math.Max(_length + take, Math.Max(InitialCapacity, _response.Length * 2)))];
            _response.AsSpan(0, _length).CopyTo(grown);
            _response = grown;
        }

        bytes[..take].CopyTo(_response.AsSpan(_length));
        _length += take;
    }

    /// <summary>The request body (copied, up to the limit) and the response captured so far.</summary>
    public UsageContent ToContent(ReadOnlySpan<byte> request)
    {
        var kept = request[..Math.Min(request.Length, _maxBytes)].ToArray();
        return new UsageContent(kept, request.Length, _response.AsMemory(0, _length), _total);
    }
}
