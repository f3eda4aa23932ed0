using System.Security.Cryptography;
using System.Text;

namespace Relay.Core.Security;

/// <summary>Constant-time comparison of bearer tokens, so response timing does not reveal how much of a guess was right.</summary>
public static class TokenComparer
{
    public static bool FixedTimeEquals(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);

        // Compare SHA-256 digests of the UTF-8 bytes: equal-length inputs to FixedTimeEquals, so
        // not even the token's length leaks through an early length mismatch.
        Span<byte> hashA = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> hashB = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(a), hashA);
        SHA256.HashData(Encoding.UTF8.GetBytes(b), hashB);
        return CryptographicOperations.FixedTimeEquals(hashA, hashB);
    }
}
