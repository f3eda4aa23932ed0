namespace Relay.Core.Limits;

/// <summary>
/// One request queued for a concurrency slot. It is completed exactly once, always under the scope's lock:
/// either granted (the releaser moved its slot over) or abandoned (timeout/cancel removed it from the queue),
/// so a slot can never be granted to a waiter that already gave up.
/// </summary>
internal sealed class SlotWaiter(int max)
{
    public int Max { get; } = max;

    public TaskCompletionSource<SlotOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkedListNode<SlotWaiter>? Node { get; set; }
}
