namespace Relay.Core.Limits;

/// <summary>
/// Everything limited under one scope ("key:…", "account:…"): its counters and its concurrency slots.
/// Guarded by the ledger's lock stripe for the scope name.
/// </summary>
internal sealed class LimitScope(string name)
{
    // A handful of rules per scope: a list scanned linearly beats a dictionary here.
    private readonly List<MeterCounter> _counters = new(2);

    public string Name { get; } = name;

    public int InFlight { get; set; }

    /// <summary>FIFO of requests waiting for a slot; created on first use.</summary>
    public LinkedList<SlotWaiter>? Waiters { get; set; }

    public MeterCounter? Find(LimitMeter meter, LimitWindow window)
    {
        foreach (var counter in _counters)
        {
            if (counter.Meter == meter && counter.Window == window)
            {
                return counter;
            }
        }

        return null;
    }

    public MeterCounter GetOrAdd(LimitMeter meter, LimitWindow window)
    {
        var counter = Find(meter, window);
        if (counter is null)
        {
            counter = MeterCounter.Create(meter, window);
            _counters.Add(counter);
        }

        return counter;
    }

    /// <summary>True when dropping the scope loses nothing: no slot held or awaited, no usage that still counts.</summary>
    public bool IsIdle(long now)
    {
        if (InFlight != 0 || Waiters is { Count: > 0 })
        {
            return false;
        }

        foreach (var counter in _counters)
        {
            if (!counter.IsIdle(now))
            {
                return false;
            }
        }

        return true;
    }
}
