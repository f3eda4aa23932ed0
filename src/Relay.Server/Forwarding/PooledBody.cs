using System.Buffers;

namespace Relay.Server.Forwarding;

/// <summary>
/// A whole HTTP body in a pooled buffer: the client's request (kept for failover to a second
/// account) or an upstream answer (read whole before anything is committed to the client).
/// Returned to the pool on dispose.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;

    private PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Reads <paramref name="stream"/> to its end. With <paramref name="idleTimer"/>, re-arms it before every read so only silence, not length, times out.</summary>
    /// <exception cref="InvalidDataException">The body is longer than <paramref name="limit"/> bytes.</exception>
    public static async Task<PooledBody> ReadAsync(
        Stream stream,
        int limit,
        CancellationToken cancellationToken,
        long? expectedLength = null,
        CancellationTokenSource? idleTimer = null,
        TimeSpan idle = default)
    {
        // One byte more than the limit, so a body of exactly `limit` bytes can still see its end.
        var capacityCap = limit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(expectedLength + 1 ?? 16 * 1024, 1024, capacityCap));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, capacityCap));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                idleTimer?.CancelAfter(idle);
                var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, capacityCap) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new PooledBody(buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw new InvalidDataException($"Body exceeds {limit} bytes.");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
