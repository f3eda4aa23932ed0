using System.Collections.Concurrent;
using Relay.Core.Limits;
using Relay.Protocols.RateLimits;

namespace Relay.Core.State;

/// <summary>
/// Single-node <see cref="IHotState"/>. Each account's state sits behind its own small lock (the
/// critical sections are a few field updates), which makes every decision atomic without a global lock.
/// </summary>
public sealed class InProcessHotState : IHotState
{
    private readonly ConcurrentDictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);
    private readonly StickyMap _sticky;
    private readonly LimitLedger _limits;

    public InProcessHotState(int maxStickySessions = 200_000)
        : this(TimeProvider.System, maxStickySessions)
    {
    }

    /// <param name="time">Clock for slot-queue timeouts and slot-only sweeps; limit decisions use the "now" they are given.</param>
    /// <param name="maxStickySessions">Cap on remembered conversations.</param>
    /// <param name="limitScopesSoftCapacity">Above this many limit scopes, idle ones are swept every second instead of every minute.</param>
    public InProcessHotState(TimeProvider time, int maxStickySessions = 200_000, int limitScopesSoftCapacity = 50_000)
    {
        _sticky = new StickyMap(maxStickySessions);
        _limits = new LimitLedger(time, limitScopesSoftCapacity);
    }

    /// <summary>Limit scopes currently held (for tests and metrics).</summary>
    internal int LimitScopeCount => _limits.ScopeCount;

    public bool TryAcquire(string accountId, int maxConcurrency, DateTimeOffset now)
    {
        var state = Get(accountId);
        lock (state)
        {
            if (maxConcurrency > 0 && state.InFlight >= maxConcurrency)
            {
                return false;
            }

            if (state.AuthError is not null)
            {
                return false;
            }

            if (now < state.CoolUntil)
            {
                return false;
            }

            // Past a failure-driven cooldown the breaker is half-open: one probe at a time until it succeeds.
            if (state.ConsecutiveFailures > 0 && !state.RateLimitOnly)
            {
                if (state.ProbeInFlight)
                {
                    return false;
                }

                state.ProbeInFlight = true;
            }

            state.InFlight++;
            return true;
        }
    }

    public void Release(string accountId)
    {
        var state = Get(accountId);
        lock (state)
        {
            if (state.InFlight > 0)
            {
                state.InFlight--;
            }

            // A probe that ended without a verdict (client went away) must not hold the breaker shut.
            state.ProbeInFlight = false;
        }
    }

    public void ReportSuccess(string accountId)
    {
        var state = Get(accountId);
        lock (state)
        {
            // A good answer proves the credential works, so a credential error ends too. Requests never lease an
            // account in error; an operator's test (POST /api/accounts/{id}/test) is how such an account gets here.
            state.AuthError = null;
            state.ConsecutiveFailures = 0;
            state.RateLimitOnly = false;
            state.CoolUntil = DateTimeOffset.MinValue;
            state.Reason = null;
        }
    }

    public void ReportFailure(string accountId, FailureKind kind, TimeSpan? upstreamHint, string reason, DateTimeOffset now, int upstreamStatus = 0, string? message = null, DateTimeOffset? until = null)
    {
        var state = Get(accountId);

        // Built outside the lock: the critical section stays a few field writes.
        var lastError = AccountError.Create(now, upstreamStatus, string.IsNullOrWhiteSpace(message) ? reason : message);
        lock (state)
        {
            state.Reason = reason;
            state.LastError = lastError;
            state.LastFailure = kind;
            switch (kind)
            {
                case FailureKind.AuthRejected:
                    state.AuthError = reason;
                    break;
                case FailureKind.RateLimited:
                    // The upstream said when to come back; no half-open probing needed after that.
                    state.CoolUntil = Later(state.CoolUntil, until is { } end
                        ? CoolingPolicy.UsageWindowCooldownEnd(end, now)
                        : now + CoolingPolicy.RateLimitCooldown(upstreamHint));
                    if (state.ConsecutiveFailures == 0)
                    {
                        state.RateLimitOnly = true;
                    }

                    break;
                default:
                    state.ConsecutiveFailures++;
                    state.RateLimitOnly = false;
                    var backoff = CoolingPolicy.Backoff(state.ConsecutiveFailures);
                    if (upstreamHint is { } hint && hint > backoff)
                    {
                        backoff = CoolingPolicy.RateLimitCooldown(hint);
                    }

                    state.CoolUntil = Later(state.CoolUntil, now + backoff);
                    break;
            }
        }
    }

    public void ReportUsageWindows(string accountId, UsageWindowReport report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        var observed = new ObservedUsageWindows(report, now);
        var state = Get(accountId);
        lock (state)
        {
            // Latest wins; a report that arrives late from an older response does not replace a newer one.
            if (state.UsageWindows is null || state.UsageWindows.ObservedAt <= now)
            {
                state.UsageWindows = observed;
            }
        }
    }

    public ObservedUsageWindows? GetUsageWindows(string accountId)
    {
        // A reference is written whole, so the latest report can be read without the lock.
        return _accounts.TryGetValue(accountId, out var state) ? Volatile.Read(ref state.UsageWindows) : null;
    }

    public AccountLoad GetLoad(string accountId, DateTimeOffset now)
    {
        if (!_accounts.TryGetValue(accountId, out var state))
        {
            return default;
        }

        // No lock: an int and a reference are read whole. An account that never reported windows costs one null check.
        var windows = Volatile.Read(ref state.UsageWindows);
        return new AccountLoad(Volatile.Read(ref state.InFlight), windows?.Use.At(now));
    }

    public void Reset(string accountId)
    {
        var state = Get(accountId);
        lock (state)
        {
            state.AuthError = null;
            state.ConsecutiveFailures = 0;
            state.RateLimitOnly = false;
            state.ProbeInFlight = false;
            state.CoolUntil = DateTimeOffset.MinValue;
            state.Reason = null;
            state.LastError = null;
        }
    }

    public AccountStatus GetStatus(string accountId, DateTimeOffset now)
    {
        if (!_accounts.TryGetValue(accountId, out var state))
        {
            return AccountStatus.Fresh;
        }

        lock (state)
        {
            if (state.AuthError is not null)
            {
                return new AccountStatus(AccountHealth.Error, null, state.AuthError, state.InFlight, state.ConsecutiveFailures) { LastError = state.LastError };
            }

            if (now < state.CoolUntil)
            {
                return new AccountStatus(AccountHealth.Cooling, state.CoolUntil, state.Reason, state.InFlight, state.ConsecutiveFailures, state.LastFailure) { LastError = state.LastError };
            }

            return new AccountStatus(AccountHealth.Active, null, null, state.InFlight, state.ConsecutiveFailures) { LastError = state.LastError };
        }
    }

    public string? GetSticky(string sessionKey, DateTimeOffset now) => _sticky.Get(sessionKey, now);

    public void SetSticky(string sessionKey, string accountId, TimeSpan ttl, DateTimeOffset now) =>
        _sticky.Set(sessionKey, accountId, now + ttl, now);

    public ReservationResult TryReserve(IReadOnlyList<LimitCharge> charges, CalendarSettings calendar, DateTimeOffset now) =>
        _limits.TryReserve(charges, calendar, now);

    public void Settle(ReservationHandle handle, decimal actualTokens, decimal actualCost, CalendarSettings calendar, DateTimeOffset now) =>
        _limits.Settle(handle, actualTokens, actualCost, calendar, now);

    public void Refund(ReservationHandle handle, bool includeRequests = false) => _limits.Refund(handle, includeRequests);

    public void AddLimitUsage(string scope, LimitMeter meter, LimitWindow window, decimal amount, CalendarSettings calendar, DateTimeOffset now) =>
        _limits.AddUsage(scope, meter, window, amount, calendar, now);

    public decimal GetLimitUsage(string scope, LimitMeter meter, LimitWindow window, CalendarSettings calendar, DateTimeOffset now) =>
        _limits.GetUsed(scope, meter, window, calendar, now);

    public bool TryAcquireSlot(string scope, int max) => _limits.TryAcquireSlot(scope, max);

    public void ReleaseSlot(string scope) => _limits.ReleaseSlot(scope);

    public ValueTask<SlotOutcome> WaitForSlotAsync(string scope, int max, int queueSize, TimeSpan timeout, CancellationToken cancellationToken) =>
        _limits.WaitForSlotAsync(scope, max, queueSize, timeout, cancellationToken);

    public int GetSlotsInFlight(string scope) => _limits.GetInFlight(scope);

    /// <summary>Drops idle limit scopes now (normally done by periodic sweeps). Returns how many were dropped.</summary>
    internal int SweepLimits(DateTimeOffset now) => _limits.Sweep(now);

    private AccountState Get(string accountId) => _accounts.GetOrAdd(accountId, static _ => new AccountState());

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class AccountState
    {
        public int InFlight;
        public int ConsecutiveFailures;
        public bool ProbeInFlight;

        /// <summary>True when the only recent failures were 429s: cooling ends cleanly, no probe.</summary>
        public bool RateLimitOnly;
        public DateTimeOffset CoolUntil = DateTimeOffset.MinValue;
        public string? Reason;
        public string? AuthError;

        /// <summary>What caused the current cooldown, so a refusal can name it (429 vs 529).</summary>
        public FailureKind? LastFailure;

        /// <summary>The most recent failed attempt; survives recovery, cleared only by <see cref="Reset"/>.</summary>
        public AccountError? LastError;

        /// <summary>The latest usage-window report; an observation, so a reset keeps it.</summary>
        public ObservedUsageWindows? UsageWindows;
    }
}
