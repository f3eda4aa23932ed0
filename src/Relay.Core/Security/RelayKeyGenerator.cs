using System.Security.Cryptography;
using System.Text;

namespace Relay.Core.Security;

/// <summary>
/// Relay keys: <c>cr_</c> + 32 random bytes in fixed-length base62 (46 characters in all).
/// Only <see cref="Hash"/> and <see cref="DisplayPrefix"/> are ever stored.
/// </summary>
public static class RelayKeyGenerator
{
    public const string KeyPrefix = "cr_";
    public const int RandomBytes = 32;
    public const int DisplayPrefixLength = 7;

    /// <summary>Characters after the prefix: 43 for 32 bytes.</summary>
    public static readonly int BodyLength = Base62.EncodedLength(RandomBytes);

    /// <summary>Longest body <see cref="LooksLikeKey"/> accepts; room for longer keys later, but a bound on junk.</summary>
    private const int MaxBodyLength = 128;

    public static string NewKey()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        Span<char> text = stackalloc char[KeyPrefix.Length + BodyLength];
        RandomNumberGenerator.Fill(random);
        KeyPrefix.CopyTo(text);
        Base62.Encode(random, text[KeyPrefix.Length..]);
        CryptographicOperations.ZeroMemory(random);
        return new string(text);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 key; what the store keeps and authentication looks up.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        // Runs once per inference request: hash from stack buffers, allocate only the hex result.
        var byteCount = Encoding.UTF8.GetByteCount(key);
        Span<byte> utf8 = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The first characters (e.g. <c>cr_AbC4</c>): enough to recognise a key in a list, never enough to use it.</summary>
    public static string DisplayPrefix(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= DisplayPrefixLength ? key : key[..DisplayPrefixLength];
    }

    /// <summary>Cheap shape check to reject junk before hashing: prefix, base62 body, sane length.</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> candidate)
    {
        if (!candidate.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var body = candidate[KeyPrefix.Length..];
        return body.Length >= BodyLength
            && body.Length <= MaxBodyLength
            && !body.ContainsAnyExcept(Base62.Chars);
    }
}
