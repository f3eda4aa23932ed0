using System.Security.Cryptography;

namespace Relay.Core.Security;

/// <summary>
/// A stored secret could not be decrypted: the blob was altered or truncated, or it was written
/// under another master key. The message never contains any part of the secret or the key.
/// </summary>
public sealed class SecretDecryptionException : CryptographicException
{
    internal const string DefaultMessage = "The secret cannot be decrypted: it was altered, or it was protected under a different master key.";

    public SecretDecryptionException()
        : base(DefaultMessage)
    {
    }

    public SecretDecryptionException(string message)
        : base(message)
    {
    }

    public SecretDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
