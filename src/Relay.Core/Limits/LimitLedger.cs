using System.Collections.Concurrent;

namespace Relay.Core.Limits;

/// <summary>
/// In-process counters and slots behind <see cref="State.InProcessHotState"/>'s limit operations.
/// <para>
/// Atomicity: each scope name maps to one of <see cref="Stripes"/> lock stripes. A call takes the stripes of
/// every scope it touches, in ascending order (no deadlock), checks everything, then writes everything, so a
/// reservation over a key and its account is all-or-nothing. Scope lookup and eviction also happen under the
/// stripe, so a scope is never dropped while a call is using it.
/// </para>
/// <para>
/// Memory: a scope costs its counters (a sliding counter is a fixed ring of 61 slots) and is evicted by a sweep
/// once dropping it would change no decision (no slot held or awaited, no usage still inside a window). Sweeps run
/// at most once a minute, or once a second while more than <c>softCapacity</c> scopes are held.
/// </para>
/// </summary>
internal sealed partial class LimitLedger(TimeProvider time, int softCapacity = 50_000)
{
    internal const int Stripes = 64;
    private static readonly long RoutineSweepTicks = TimeSpan.FromMinutes(1).Ticks;
    private static readonly long PressureSweepTicks = TimeSpan.FromSeconds(1).Ticks;
    private static readonly ReservationHandle EmptyHandle = new([]);

    private readonly ConcurrentDictionary<string, LimitScope> _scopes = new(StringComparer.Ordinal);
    private readonly object[] _locks = CreateLocks();
    private long _lastSweep;
    private int _sweeping;

    public int ScopeCount => _scopes.Count;

    public ReservationResult TryReserve(IReadOnlyList<LimitCharge> charges, CalendarSettings calendar, DateTimeOffset now)
    {
        if (charges.Count == 0)
        {
            return ReservationResult.Ok(EmptyHandle);
        }

        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i];
            if (charge.Rule.Meter == LimitMeter.Concurrency || charge.Amount < 0)
            {
                throw new ArgumentException("charges are windowed rules with non-negative amounts; concurrency uses slots", nameof(charges));
            }
        }

        var ticks = now.UtcTicks;
        ReservationResult result;
        Span<int> buffer = stackalloc int[8];
        var stripes = StripesOf(charges, static c => c.Scope, buffer);
        Enter(stripes);
        try
        {
            result = Check(charges, calendar, ticks);
            if (result.Admitted)
            {
                result = ReservationResult.Ok(Apply(charges, calendar, ticks));
            }
        }
        finally
        {
            Exit(stripes);
        }

        MaybeSweep(ticks);
        return result;
    }

    /// <summary>Replaces the token and cost estimates with the real figures. Request counts stay as reserved.</summary>
    public void Settle(ReservationHandle handle, decimal tokens, decimal cost, CalendarSettings calendar, DateTimeOffset now)
    {
        if (!handle.TryClose() || handle.Charges.Count == 0)
        {
            return;
        }

        Span<int> buffer = stackalloc int[8];
        var stripes = StripesOf(handle.Charges, static c => c.Scope, buffer);
        Enter(stripes);
        try
        {
            foreach (var charge in handle.ChargeArray)
            {
                if (charge.Meter == LimitMeter.Requests)
                {
                    continue;
                }

                // GetOrAdd: even if the scope was swept meanwhile, real usage must still be counted.
                var counter = Scope(charge.Scope).GetOrAdd(charge.Meter, charge.Window);
                counter.Remove(charge.Amount, charge.Bucket);
                counter.Add(charge.Meter == LimitMeter.Tokens ? tokens : cost, now.UtcTicks, calendar);
            }
        }
        finally
        {
            Exit(stripes);
        }
    }

    /// <summary>
    /// Takes back a reservation (request cancelled or failed). The request count stays unless
    /// <paramref name="includeRequests"/>: an attempt that reached the upstream still counts against a rate.
    /// </summary>
    public void Refund(ReservationHandle handle, bool includeRequests)
    {
        if (!handle.TryClose() || handle.Charges.Count == 0)
        {
            return;
        }

        Span<int> buffer = stackalloc int[8];
        var stripes = StripesOf(handle.Charges, static c => c.Scope, buffer);
        Enter(stripes);
        try
        {
            foreach (var charge in handle.ChargeArray)
            {
                if ((charge.Meter != LimitMeter.Requests || includeRequests) && _scopes.TryGetValue(charge.Scope, out var scope))
                {
                    scope.Find(charge.Meter, charge.Window)?.Remove(charge.Amount, charge.Bucket);
                }
            }
        }
        finally
        {
            Exit(stripes);
        }
    }

    /// <summary>Adds usage without admission, e.g. seeding a total or daily cap from the usage store at startup.</summary>
    public void AddUsage(string scope, LimitMeter meter, LimitWindow window, decimal amount, CalendarSettings calendar, DateTimeOffset now)
    {
        lock (LockFor(scope))
        {
            Scope(scope).GetOrAdd(meter, window).Add(amount, now.UtcTicks, calendar);
        }
    }

    /// <summary>Usage that currently counts against rules with this meter and window (for /api/me).</summary>
    public decimal GetUsed(string scope, LimitMeter meter, LimitWindow window, CalendarSettings calendar, DateTimeOffset now)
    {
        lock (LockFor(scope))
        {
            return _scopes.TryGetValue(scope, out var s) && s.Find(meter, window) is { } counter
                ? counter.Used(now.UtcTicks, calendar)
                : 0;
        }
    }

    /// <summary>Drops every idle scope. Returns how many were dropped.</summary>
    public int Sweep(DateTimeOffset now) => SweepCore(now.UtcTicks);

    private ReservationResult Check(IReadOnlyList<LimitCharge> charges, CalendarSettings calendar, long now)
    {
        var worst = -1;
        TimeSpan? worstWait = null;
        for (var i = 0; i < charges.Count; i++)
        {
            var (scopeName, rule, amount) = charges[i];
            var counter = Scope(scopeName).GetOrAdd(rule.Meter, rule.Window);
            var used = counter.Used(now, calendar);

            // An amount of 0 (nothing to estimate) still needs headroom: a spent budget refuses.
            var fits = amount > 0 ? used + amount <= rule.Max : used < rule.Max;
            if (fits)
            {
                continue;
            }

            TimeSpan? wait = amount > rule.Max ? null : counter.TimeUntilFreed(used + amount - rule.Max, strictly: amount == 0, now);
            if (worst < 0 || (worstWait is { } w && (wait is null || wait > w)))
            {
                worst = i;
                worstWait = wait;
            }
        }

        return worst < 0 ? ReservationResult.Ok(EmptyHandle) : ReservationResult.Refused(worst, worstWait);
    }

    private ReservationHandle Apply(IReadOnlyList<LimitCharge> charges, CalendarSettings calendar, long now)
    {
        var taken = new ReservedCharge[charges.Count];
        var count = 0;
        for (var i = 0; i < charges.Count; i++)
        {
            var (scopeName, rule, amount) = charges[i];
            if (SharesCounterWithEarlier(charges, i))
            {
                continue;
            }

            var bucket = Scope(scopeName).GetOrAdd(rule.Meter, rule.Window).Add(amount, now, calendar);
            taken[count++] = new ReservedCharge(scopeName, rule.Meter, rule.Window, amount, bucket);
        }

        return new ReservationHandle(count == taken.Length ? taken : taken[..count]);
    }

    private static bool SharesCounterWithEarlier(IReadOnlyList<LimitCharge> charges, int index)
    {
        var c = charges[index];
        for (var j = 0; j < index; j++)
        {
            var e = charges[j];
            if (e.Rule.Meter == c.Rule.Meter && e.Rule.Window == c.Rule.Window && string.Equals(e.Scope, c.Scope, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private LimitScope Scope(string name) => _scopes.GetOrAdd(name, static n => new LimitScope(n));

    private void MaybeSweep(long now)
    {
        var since = now - Volatile.Read(ref _lastSweep);
        if (since >= RoutineSweepTicks || (since >= PressureSweepTicks && _scopes.Count > softCapacity))
        {
            SweepCore(now);
        }
    }

    private int SweepCore(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return 0;
        }

        try
        {
            Volatile.Write(ref _lastSweep, now);
            var dropped = 0;
            foreach (var pair in _scopes)
            {
                lock (LockFor(pair.Key))
                {
                    if (pair.Value.IsIdle(now) && _scopes.TryRemove(pair))
                    {
                        dropped++;
                    }
                }
            }

            return dropped;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private object LockFor(string scope) => _locks[StripeOf(scope)];

    private static int StripeOf(string scope) => (StringComparer.Ordinal.GetHashCode(scope) & int.MaxValue) % Stripes;

    /// <summary>The distinct stripes of the given scopes, sorted: the lock order.</summary>
    private static Span<int> StripesOf<T>(IReadOnlyList<T> items, Func<T, string> scopeOf, Span<int> buffer)
    {
        if (items.Count > buffer.Length)
        {
            buffer = new int[items.Count];
        }

        var count = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var stripe = StripeOf(scopeOf(items[i]));
            if (!buffer[..count].Contains(stripe))
            {
                buffer[count++] = stripe;
            }
        }

        var stripes = buffer[..count];
        stripes.Sort();
        return stripes;
    }

    private void Enter(ReadOnlySpan<int> stripes)
    {
        foreach (var stripe in stripes)
        {
            Monitor.Enter(_locks[stripe]);
        }
    }

    private void Exit(ReadOnlySpan<int> stripes)
    {
        for (var i = stripes.Length - 1; i >= 0; i--)
        {
            Monitor.Exit(_locks[stripes[i]]);
        }
    }

    private static object[] CreateLocks()
    {
        var locks = new object[Stripes];
        for (var i = 0; i < locks.Length; i++)
        {
            locks[i] = new object();
        }

        return locks;
    }
}
