namespace Relay.Core.Limits;

/// <summary>
/// The counter behind one (scope, meter, window). Not thread-safe: <see cref="LimitLedger"/> calls it under the
/// scope's lock. Times are UTC ticks.
/// </summary>
internal abstract class MeterCounter(LimitMeter meter, LimitWindow window)
{
    public LimitMeter Meter { get; } = meter;

    public LimitWindow Window { get; } = window;

    public static MeterCounter Create(LimitMeter meter, LimitWindow window) => window.Kind switch
    {
        LimitWindowKind.Sliding => new SlidingCounter(meter, window),
        LimitWindowKind.Day or LimitWindowKind.Week => new CalendarCounter(meter, window),
        LimitWindowKind.Total => new TotalCounter(meter, window),
        _ => throw new ArgumentException("concurrency rules are enforced with slots, not counters", nameof(window)),
    };

    public abstract decimal Used(long now, CalendarSettings calendar);

    /// <summary>Adds usage now; returns the bucket it went into (for a later <see cref="Remove"/>).</summary>
    public abstract long Add(decimal amount, long now, CalendarSettings calendar);

    /// <summary>Takes back usage added into <paramref name="bucket"/>, if that bucket still counts.</summary>
    public abstract void Remove(decimal amount, long bucket);

    /// <summary>
    /// How long until at least <paramref name="need"/> (more than it, if <paramref name="strictly"/>) of the counted
    /// usage has stopped counting; null if it never will.
    /// </summary>
    public abstract TimeSpan? TimeUntilFreed(decimal need, bool strictly, long now);

    /// <summary>True when forgetting this counter changes no future decision.</summary>
    public abstract bool IsIdle(long now);

    protected static bool Enough(decimal freed, decimal need, bool strictly) => strictly ? freed > need : freed >= need;
}

/// <summary>A ring of <see cref="WindowMath.RingSlots"/> sub-buckets; see <see cref="WindowMath"/> for the precision.</summary>
internal sealed class SlidingCounter(LimitMeter meter, LimitWindow window) : MeterCounter(meter, window)
{
    private readonly long _bucketTicks = WindowMath.BucketTicks(window.Length);
    private readonly decimal[] _amounts = new decimal[WindowMath.RingSlots];
    private readonly long[] _ids = CreateIds();

    /// <summary>Newest bucket seen: callers read the clock before taking the lock, so "now" can step back a little.</summary>
    private long _latest = long.MinValue;

    public override decimal Used(long now, CalendarSettings calendar)
    {
        var current = Current(now);
        decimal sum = 0;
        for (var i = 0; i < _ids.Length; i++)
        {
            if (Counts(_ids[i], current))
            {
                sum += _amounts[i];
            }
        }

        return sum;
    }

    public override long Add(decimal amount, long now, CalendarSettings calendar)
    {
        var current = Current(now);
        _latest = current;
        var slot = (int)(current % WindowMath.RingSlots);
        if (_ids[slot] != current)
        {
            _ids[slot] = current;
            _amounts[slot] = 0;
        }

        _amounts[slot] += amount;
        return current;
    }

    public override void Remove(decimal amount, long bucket)
    {
        var slot = (int)(bucket % WindowMath.RingSlots);
        if (_ids[slot] == bucket)
        {
            _amounts[slot] = Math.Max(0, _amounts[slot] - amount);
        }
    }

    public override TimeSpan? TimeUntilFreed(decimal need, bool strictly, long now)
    {
        var current = Current(now);
        decimal freed = 0;
        for (var bucket = current - WindowMath.SubBuckets; bucket <= current; bucket++)
        {
            var slot = (int)(bucket % WindowMath.RingSlots);
            if (_ids[slot] == bucket)
            {
                freed += _amounts[slot];
            }

            if (Enough(freed, need, strictly))
            {
                return TimeSpan.FromTicks(Math.Max(0, WindowMath.BucketExpiresAt(bucket, _bucketTicks) - now));
            }
        }

        return null;
    }

    public override bool IsIdle(long now)
    {
        var current = Current(now);
        for (var i = 0; i < _ids.Length; i++)
        {
            if (Counts(_ids[i], current) && _amounts[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    private long Current(long now) => Math.Max(WindowMath.BucketIndex(now, _bucketTicks), _latest);

    private static bool Counts(long id, long current) => id <= current && id > current - WindowMath.RingSlots;

    private static long[] CreateIds()
    {
        var ids = new long[WindowMath.RingSlots];
        Array.Fill(ids, long.MinValue);
        return ids;
    }
}

/// <summary>One running sum per calendar period; rolls over lazily when a call lands past the period's end.</summary>
internal sealed class CalendarCounter(LimitMeter meter, LimitWindow window) : MeterCounter(meter, window)
{
    private long _start = long.MinValue;
    private long _end = long.MinValue;
    private decimal _used;

    public override decimal Used(long now, CalendarSettings calendar)
    {
        Roll(now, calendar);
        return _used;
    }

    public override long Add(decimal amount, long now, CalendarSettings calendar)
    {
        Roll(now, calendar);
        _used += amount;
        return _start;
    }

    public override void Remove(decimal amount, long bucket)
    {
        if (bucket == _start)
        {
            _used = Math.Max(0, _used - amount);
        }
    }

    public override TimeSpan? TimeUntilFreed(decimal need, bool strictly, long now) =>
        Enough(_used, need, strictly) ? TimeSpan.FromTicks(Math.Max(0, _end - now)) : null;

    public override bool IsIdle(long now) => _used == 0 || now >= _end;

    private void Roll(long now, CalendarSettings calendar)
    {
        // The zone arithmetic runs once per period, not per request. A "now" slightly behind the
        // period start (clock read before the lock) still belongs to the current period.
        if (_end != long.MinValue && now < _end)
        {
            return;
        }

        var (start, end) = WindowMath.CalendarPeriod(Window.Kind, new DateTimeOffset(now, TimeSpan.Zero), calendar);
        if (start.UtcTicks != _start)
        {
            _used = 0;
        }

        _start = start.UtcTicks;
        _end = end.UtcTicks;
    }
}

/// <summary>A lifetime sum. In process it starts at zero; the wiring seeds it from the usage store.</summary>
internal sealed class TotalCounter(LimitMeter meter, LimitWindow window) : MeterCounter(meter, window)
{
    private decimal _used;

    public override decimal Used(long now, CalendarSettings calendar) => _used;

    public override long Add(decimal amount, long now, CalendarSettings calendar)
    {
        _used += amount;
        return 0;
    }

    public override void Remove(decimal amount, long bucket) => _used = Math.Max(0, _used - amount);

    public override TimeSpan? TimeUntilFreed(decimal need, bool strictly, long now) => null;

    public override bool IsIdle(long now) => _used == 0;
}
