using System.Security.Cryptography;
using System.Text;
using Relay.Core.Security;
using Relay.Core.Storage;

namespace Relay.Server.Hosting;

/// <summary>
/// The Control API's bearer token. Either configured (<c>RELAY_ADMIN_TOKEN</c>) or generated on
/// first start, printed once to the console and stored only as a SHA-256 hash.
/// </summary>
internal sealed class AdminToken
{
    public const string HashSetting = "admin_token_sha256";
    private byte[] _hash = [];

    /// <summary>Constant-time check of a presented token.</summary>
    public bool Matches(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || _hash.Length == 0)
        {
            return false;
        }

        Span<byte> utf8 = presented.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var written = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..written], hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    /// <summary>Loads the configured token, or the stored hash, or creates and stores a new token. Returns the token when it was newly generated, so the caller can show it once.</summary>
    public async Task<string?> InitializeAsync(string? configured, IConfigStore store, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            _hash = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
            return null;
        }

        var stored = await store.GetSettingAsync(HashSetting, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            _hash = Convert.FromHexString(stored);
            return null;
        }

        var token = await RotateAsync(store, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Generates a new token, stores its hash and returns it (the only time it is visible).</summary>
    public async Task<string> RotateAsync(IConfigStore store, CancellationToken cancellationToken)
    {
        var token = "ra_" + RelayKeyGenerator.NewKey()["cr_".Length..];
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        await store.SetSettingAsync(HashSetting, Convert.ToHexStringLower(hash), cancellationToken).ConfigureAwait(false);
        _hash = hash;
        return token;
    }
}
