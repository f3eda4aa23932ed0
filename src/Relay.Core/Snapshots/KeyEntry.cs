using Relay.Core.Keys;

namespace Relay.Core.Snapshots;

/// <summary>A relay key as the request path sees it. Found by the hash of the presented key.</summary>
public sealed class KeyEntry(RelayKeyRecord record)
{
    public RelayKeyRecord Record { get; } = record;
    public string Id => Record.Id;
    public string Name => Record.Name;

    /// <summary>Why this key may not be used right now, or null when it may.</summary>
    public string? RefusalReason(DateTimeOffset now)
    {
        if (!Record.Enabled)
        {
            return "This API key has been disabled.";
        }

        if (Record.ExpiresAt is { } expires && expires <= now)
        {
            return "This API key has expired.";
        }

        return null;
    }
}
