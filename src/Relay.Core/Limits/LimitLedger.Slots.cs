namespace Relay.Core.Limits;

/// <summary>
/// Concurrency slots: a count of held slots per scope and a FIFO of waiters, under the same lock stripes as the
/// counters. A freed slot goes straight to the head of the queue, so a newcomer can never overtake a waiter.
/// </summary>
internal sealed partial class LimitLedger
{
    public int GetInFlight(string scope)
    {
        lock (LockFor(scope))
        {
            return _scopes.TryGetValue(scope, out var s) ? s.InFlight : 0;
        }
    }

    public bool TryAcquireSlot(string scope, int max)
    {
        bool acquired;
        lock (LockFor(scope))
        {
            acquired = TryTakeSlot(Scope(scope), max);
        }

        if (_scopes.Count > softCapacity)
        {
            MaybeSweep(time.GetUtcNow().UtcTicks);
        }

        return acquired;
    }

    public void ReleaseSlot(string scope)
    {
        lock (LockFor(scope))
        {
            if (!_scopes.TryGetValue(scope, out var s))
            {
                return;
            }

            if (s.InFlight > 0)
            {
                s.InFlight--;
            }

            // Hand freed slots straight to the head of the queue, so a newcomer cannot overtake a waiter.
            while (s.Waiters?.First is { } head && s.InFlight < head.Value.Max)
            {
                s.Waiters.RemoveFirst();
                head.Value.Node = null;
                s.InFlight++;
                head.Value.Completion.TrySetResult(SlotOutcome.Acquired);
            }
        }
    }

    public ValueTask<SlotOutcome> WaitForSlotAsync(string scope, int max, int queueSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        SlotWaiter waiter;
        lock (LockFor(scope))
        {
            var s = Scope(scope);
            if (TryTakeSlot(s, max))
            {
                return ValueTask.FromResult(SlotOutcome.Acquired);
            }

            if (queueSize <= 0 || timeout <= TimeSpan.Zero || (s.Waiters?.Count ?? 0) >= queueSize)
            {
                return ValueTask.FromResult(SlotOutcome.QueueFull);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromResult(SlotOutcome.Cancelled);
            }

            waiter = new SlotWaiter(max);
            s.Waiters ??= new LinkedList<SlotWaiter>();
            waiter.Node = s.Waiters.AddLast(waiter);
        }

        return AwaitSlotAsync(scope, waiter, timeout, cancellationToken);
    }

    private async ValueTask<SlotOutcome> AwaitSlotAsync(string scope, SlotWaiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var onTimeout = timer.Token.Register(() => Abandon(scope, waiter, SlotOutcome.TimedOut));
        using var onCancel = cancellationToken.Register(() => Abandon(scope, waiter, SlotOutcome.Cancelled));
        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    private void Abandon(string scope, SlotWaiter waiter, SlotOutcome outcome)
    {
        lock (LockFor(scope))
        {
            // Already granted: the slot is the waiter's and the caller will release it.
            if (waiter.Node is { List: { } list } node)
            {
                list.Remove(node);
                waiter.Node = null;
                waiter.Completion.TrySetResult(outcome);
            }
        }
    }

    private static bool TryTakeSlot(LimitScope scope, int max)
    {
        if (scope.InFlight >= max || scope.Waiters is { Count: > 0 })
        {
            return false;
        }

        scope.InFlight++;
        return true;
    }
}
