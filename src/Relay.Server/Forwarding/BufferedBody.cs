using System.Buffers;

namespace Relay.Server.Forwarding;

/// <summary>An upstream body read whole into a pooled buffer, with an idle timeout re-armed on every read.</summary>
internal sealed class BufferedBody : IDisposable
{
    private byte[] _buffer;

    private BufferedBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <exception cref="InvalidDataException">The body is larger than <paramref name="limit"/>.</exception>
    public static async Task<BufferedBody> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken, CancellationTokenSource? idleTimer = null, TimeSpan idle = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        throw new InvalidDataException("Upstream body exceeds the buffering limit.");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                idleTimer?.CancelAfter(idle);
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new BufferedBody(buffer, length);
                }

                length += read;
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
