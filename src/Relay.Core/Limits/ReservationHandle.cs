namespace Relay.Core.Limits;

/// <summary>
/// What a reservation took, where, so it can be settled or refunded exactly once. Plain data (scope, meter,
/// window, amount, bucket) so a Redis implementation can carry the same facts into its scripts.
/// </summary>
public sealed class ReservationHandle
{
    private int _closed;

    internal ReservationHandle(ReservedCharge[] charges)
    {
        ChargeArray = charges;
    }

    public IReadOnlyList<ReservedCharge> Charges => ChargeArray;

    internal ReservedCharge[] ChargeArray { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>True for the one caller that may settle or refund; later calls are no-ops.</summary>
    internal bool TryClose() => Interlocked.Exchange(ref _closed, 1) == 0;
}

/// <summary>
/// One counter a reservation added to. <paramref name="Bucket"/> is the sliding sub-bucket index or the calendar
/// period start (UTC ticks) the amount went into, so removing it later touches only that bucket or period.
/// </summary>
public readonly record struct ReservedCharge(string Scope, LimitMeter Meter, LimitWindow Window, decimal Amount, long Bucket);
