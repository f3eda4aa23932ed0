namespace Relay.Storage;

/// <summary>
/// A relay key was inserted or updated with a hash another key already has. With 256-bit random
/// keys this means the same key was submitted twice (a retried create), not a collision.
/// Thrown by every <see cref="Core.Storage.IConfigStore"/> in this assembly.
/// </summary>
public sealed class DuplicateKeyHashException : Exception
{
    public DuplicateKeyHashException()
        : base("Another relay key already has this hash.")
    {
    }

    public DuplicateKeyHashException(string message)
        : base(message)
    {
    }

    public DuplicateKeyHashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The id of the key being written, when known.</summary>
    public string? KeyId { get; private init; }

    internal static DuplicateKeyHashException ForKey(string keyId, Exception innerException) =>
        new($"Relay key '{keyId}': another key already has this hash.", innerException) { KeyId = keyId };
}
