namespace Relay.Server.Inference;

/// <summary>
/// Inference requests admitted and not yet finished, for <c>GET /api/status</c>. One interlocked add at each end of a
/// request: no lock, no allocation, nothing on the hot path that could contend.
/// </summary>
internal sealed class InFlightRequests
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Enter() => Interlocked.Increment(ref _count);

    public void Exit() => Interlocked.Decrement(ref _count);
}
