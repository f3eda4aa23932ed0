namespace Relay.Core.Policies;

/// <summary>
/// When a key stops working: at a fixed instant (<see cref="At"/>) or a span after its first use
/// (<see cref="AfterFirstUse"/>, e.g. a 30-day trial that starts when the holder first calls). Both may be set;
/// the earlier wins. A key never used has no first-use expiry yet.
/// </summary>
public sealed record KeyExpiry(DateTimeOffset? At = null, TimeSpan? AfterFirstUse = null)
{
    public static KeyExpiry Never { get; } = new();

    public DateTimeOffset? ExpiresAt(DateTimeOffset? firstUsedAt)
    {
        DateTimeOffset? relative = firstUsedAt is { } first && AfterFirstUse is { } span ? first + span : null;
        return (At, relative) switch
        {
            ({ } a, { } r) => a < r ? a : r,
            ({ } a, null) => a,
            (null, var r) => r,
        };
    }

    /// <summary>Expired at or after the expiry instant.</summary>
    public bool IsExpired(DateTimeOffset now, DateTimeOffset? firstUsedAt) => ExpiresAt(firstUsedAt) is { } at && now >= at;
}
