using Relay.Core.Limits;
using Relay.Core.State;

namespace Relay.Core.Tests.Limits;

public sealed class SlotTests
{
    private const string Scope = "key:k";

    [Fact]
    public async Task Three_slots_are_never_exceeded_across_faults_and_cancellations()
    {
        var state = new InProcessHotState();
        var inFlight = 0;
        var maxSeen = 0;
        var outcomes = new int[4];

        var tasks = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            var random = new Random(i);
            using var cts = new CancellationTokenSource();
            if (i % 4 == 0)
            {
                cts.CancelAfter(random.Next(0, 20)); // the client goes away, maybe while queued
            }

            var outcome = await state.WaitForSlotAsync(Scope, 3, 100, TimeSpan.FromSeconds(30), cts.Token);
            Interlocked.Increment(ref outcomes[(int)outcome]);
            if (outcome != SlotOutcome.Acquired)
            {
                return;
            }

            try
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref maxSeen, now);
                Assert.InRange(state.GetSlotsInFlight(Scope), 1, 3);
                await Task.Delay(random.Next(1, 8), cts.Token);
                if (random.Next(3) == 0)
                {
                    throw new InvalidOperationException("upstream failed");
                }
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                state.ReleaseSlot(Scope);
            }
        })).ToArray();

        try
        {
            await Task.WhenAll(tasks);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Faults are the point of the test; the assertions below are what matters.
        }

        Assert.All(tasks, t => Assert.True(t.IsCompleted));
        Assert.DoesNotContain(tasks, t => t.Exception?.InnerExceptions.Any(e => e is Xunit.Sdk.XunitException) == true);
        Assert.InRange(maxSeen, 1, 3);
        Assert.Equal(0, inFlight);
        Assert.Equal(0, state.GetSlotsInFlight(Scope));
        Assert.Equal(50, outcomes.Sum());
        Assert.Equal(0, outcomes[(int)SlotOutcome.QueueFull] + outcomes[(int)SlotOutcome.TimedOut]);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_waiters_are_served_in_order()
    {
        var state = new InProcessHotState();
        Assert.True(state.TryAcquireSlot(Scope, 1));

        var first = state.WaitForSlotAsync(Scope, 1, 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        var second = state.WaitForSlotAsync(Scope, 1, 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        var third = state.WaitForSlotAsync(Scope, 1, 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.True(third.IsCompleted);
        Assert.Equal(SlotOutcome.QueueFull, await third);
        Assert.False(state.TryAcquireSlot(Scope, 1));

        state.ReleaseSlot(Scope);
        Assert.Equal(SlotOutcome.Acquired, await first);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, state.GetSlotsInFlight(Scope));

        state.ReleaseSlot(Scope);
        Assert.Equal(SlotOutcome.Acquired, await second);
        state.ReleaseSlot(Scope);
        Assert.Equal(0, state.GetSlotsInFlight(Scope));
    }

    [Fact]
    public async Task Without_a_queue_a_busy_scope_refuses_at_once()
    {
        var state = new InProcessHotState();
        Assert.Equal(SlotOutcome.Acquired, await state.WaitForSlotAsync(Scope, 1, 0, TimeSpan.Zero, CancellationToken.None));
        var refused = state.WaitForSlotAsync(Scope, 1, 0, TimeSpan.Zero, CancellationToken.None);
        Assert.True(refused.IsCompleted);
        Assert.Equal(SlotOutcome.QueueFull, await refused);
    }

    [Fact]
    public async Task A_queue_timeout_refuses_and_leaves_the_slot_count_intact()
    {
        var state = new InProcessHotState();
        Assert.True(state.TryAcquireSlot(Scope, 2));
        Assert.True(state.TryAcquireSlot(Scope, 2));

        var outcome = await state.WaitForSlotAsync(Scope, 2, 5, TimeSpan.FromMilliseconds(50), CancellationToken.None);

        Assert.Equal(SlotOutcome.TimedOut, outcome);
        Assert.Equal(2, state.GetSlotsInFlight(Scope));
        state.ReleaseSlot(Scope);
        Assert.Equal(1, state.GetSlotsInFlight(Scope));
        Assert.True(state.TryAcquireSlot(Scope, 2));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_without_taking_a_slot()
    {
        var state = new InProcessHotState();
        Assert.True(state.TryAcquireSlot(Scope, 1));
        using var cts = new CancellationTokenSource();

        var waiting = state.WaitForSlotAsync(Scope, 1, 1, TimeSpan.FromSeconds(30), cts.Token);
        await cts.CancelAsync();

        Assert.Equal(SlotOutcome.Cancelled, await waiting);
        state.ReleaseSlot(Scope);
        Assert.Equal(0, state.GetSlotsInFlight(Scope));

        // The queue has room again.
        Assert.True(state.TryAcquireSlot(Scope, 1));
        var next = state.WaitForSlotAsync(Scope, 1, 1, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(next.IsCompleted);
        state.ReleaseSlot(Scope);
        Assert.Equal(SlotOutcome.Acquired, await next);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
