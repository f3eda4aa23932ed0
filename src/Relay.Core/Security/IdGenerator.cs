using System.Security.Cryptography;

namespace Relay.Core.Security;

/// <summary>Record ids such as <c>acc_3fK9…</c>: a readable type prefix and 16 random base62 characters (≈ 95 bits).</summary>
public static class IdGenerator
{
    public const int RandomLength = 16;

    public static string New(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix + "_" + RandomNumberGenerator.GetString(Base62.Alphabet, RandomLength);
    }
}
