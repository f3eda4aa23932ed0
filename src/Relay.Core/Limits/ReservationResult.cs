namespace Relay.Core.Limits;

/// <summary>
/// Outcome of <see cref="State.IHotState.TryReserve"/>. When refused, <see cref="FailedChargeIndex"/> points at the
/// binding charge (the one that frees up last) so the refusal can name the limit, and <see cref="RetryAfter"/> is
/// when every refused charge would fit again; null means waiting will not help (a total cap, or an amount above
/// the rule's max).
/// </summary>
public readonly record struct ReservationResult(bool Admitted, int FailedChargeIndex, TimeSpan? RetryAfter, ReservationHandle? Handle)
{
    public static ReservationResult Refused(int index, TimeSpan? retryAfter) => new(false, index, retryAfter, null);

    public static ReservationResult Ok(ReservationHandle handle) => new(true, -1, null, handle);
}
