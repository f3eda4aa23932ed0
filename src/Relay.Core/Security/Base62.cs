using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace Relay.Core.Security;

/// <summary>
/// Base62 (0-9, A-Z, a-z): URL-, header- and shell-safe without padding or punctuation, and a
/// double-click selects the whole token. Encodings are fixed length so every key has the same shape.
/// </summary>
internal static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static readonly SearchValues<char> Chars = SearchValues.Create(Alphabet);

    /// <summary>Characters needed to encode any value of <paramref name="byteCount"/> bytes (43 for 32 bytes).</summary>
    public static int EncodedLength(int byteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);

        // Smallest n with 62^n ≥ 256^byteCount. The float estimate is only a starting point; the exact
        // integer check decides, so no rounding edge can make an encoding one character short.
        var length = Math.Max(0, (int)(byteCount * 8 / Math.Log2(62)) - 1);
        var max = BigInteger.Pow(256, byteCount);
        while (BigInteger.Pow(62, length) < max)
        {
            length++;
        }

        return length;
    }

    /// <summary>
    /// Writes <paramref name="bytes"/> (a big-endian unsigned number) as base62 filling all of
    /// <paramref name="destination"/>, left-padded with '0'.
    /// </summary>
    /// <exception cref="ArgumentException">The value needs more characters than <paramref name="destination"/> has.</exception>
    public static void Encode(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        // Repeated long division of the byte string by 62: quadratic, but inputs are a few dozen bytes,
        // and unlike BigInteger it leaves no copy of the (secret) value on the heap.
        Span<byte> work = bytes.Length <= 256 ? stackalloc byte[bytes.Length] : new byte[bytes.Length];
        bytes.CopyTo(work);
        try
        {
            for (var i = destination.Length - 1; i >= 0; i--)
            {
                var remainder = 0;
                for (var j = 0; j < work.Length; j++)
                {
                    var accumulator = (remainder << 8) | work[j];
                    work[j] = (byte)(accumulator / 62);
                    remainder = accumulator % 62;
                }

                destination[i] = Alphabet[remainder];
            }

            if (work.ContainsAnyExcept((byte)0))
            {
                throw new ArgumentException("The destination is too short for the value.", nameof(destination));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(work);
        }
    }
}
