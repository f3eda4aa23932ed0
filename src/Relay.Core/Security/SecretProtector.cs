using System.Security.Cryptography;
using System.Text;

namespace Relay.Core.Security;

/// <summary>
/// Encrypts upstream secrets at rest with AES-256-GCM under the master key.
/// Blob layout: <c>version (1 byte, = 1) | nonce (12) | tag (16) | ciphertext</c>. The version byte
/// is authenticated as associated data, so it cannot be flipped to make an old reader misparse a blob.
/// Thread-safe: each call uses its own <see cref="AesGcm"/> (cheap, and this is never on the request path).
/// </summary>
public sealed class SecretProtector
{
    public const int KeySize = 32;
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    private readonly byte[] _key;

    public SecretProtector(byte[] masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        if (masterKey.Length != KeySize)
        {
            throw new ArgumentException($"The master key must be {KeySize} bytes.", nameof(masterKey));
        }

        // Copy so a caller clearing or reusing its array cannot change the key under us.
        _key = (byte[])masterKey.Clone();
    }

    public byte[] Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);

        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return Protect(plainBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    /// <summary>Encrypts raw bytes (stored request and response content) into the same blob layout as secrets.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plainBytes)
    {
        var blob = new byte[HeaderSize + plainBytes.Length];
        blob[0] = Version;
        var nonce = blob.AsSpan(1, NonceSize);
        var tag = blob.AsSpan(1 + NonceSize, TagSize);
        var ciphertext = blob.AsSpan(HeaderSize);

        // A random 96-bit nonce per blob. NIST's bound for random nonces is 2^32 encryptions per key; secrets are few,
        // and content logging (two blobs per request) reaches it only after about two billion logged requests.
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plainBytes, ciphertext, tag, blob.AsSpan(0, 1));
        return blob;
    }

    /// <exception cref="SecretDecryptionException">The blob is malformed, altered, or from another key.</exception>
    public string Unprotect(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length < HeaderSize || blob[0] != Version)
        {
            throw new SecretDecryptionException("The secret cannot be decrypted: the stored blob is not in a known format.");
        }

        var plainBytes = new byte[blob.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(
                blob.AsSpan(1, NonceSize),
                blob.AsSpan(HeaderSize),
                blob.AsSpan(1 + NonceSize, TagSize),
                plainBytes,
                blob.AsSpan(0, 1));
            return Encoding.UTF8.GetString(plainBytes);
        }
        catch (CryptographicException ex)
        {
            // AuthenticationTagMismatchException in practice; its message holds nothing secret, but keep ours uniform.
            throw new SecretDecryptionException(SecretDecryptionException.DefaultMessage, ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    /// <summary>Decrypts a blob made by <see cref="Protect(ReadOnlySpan{byte})"/> back to its bytes.</summary>
    /// <exception cref="SecretDecryptionException">The blob is malformed, altered, or from another key.</exception>
    public byte[] UnprotectBytes(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length < HeaderSize || blob[0] != Version)
        {
            throw new SecretDecryptionException("The content cannot be decrypted: the stored blob is not in a known format.");
        }

        var plainBytes = new byte[blob.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(HeaderSize), blob.AsSpan(1 + NonceSize, TagSize), plainBytes, blob.AsSpan(0, 1));
            return plainBytes;
        }
        catch (CryptographicException ex)
        {
            throw new SecretDecryptionException(SecretDecryptionException.DefaultMessage, ex);
        }
    }
}
