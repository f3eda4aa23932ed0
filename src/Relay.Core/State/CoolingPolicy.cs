namespace Relay.Core.State;

/// <summary>
/// The breaker table. One place decides how long each kind of failure takes an account out of rotation.
/// <list type="table">
/// <item><term>429</term><description>until the upstream's retry-after / rate-limit reset; 60 s if it gave none. No backoff growth: the upstream told us when. An exhausted subscription usage window: until its reset (at most 8 days).</description></item>
/// <item><term>529, 5xx, network, error-first stream</term><description>1, 2, 4 … 60 s by consecutive failures, then a single half-open probe.</description></item>
/// <item><term>401/403</term><description>error until an operator resets or edits the account.</description></item>
/// </list>
/// </summary>
public static class CoolingPolicy
{
    public static readonly TimeSpan DefaultRateLimitCooldown = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound on a rate-limit cooldown, so a bogus header cannot park an account for days.</summary>
    public static readonly TimeSpan MaxRateLimitCooldown = TimeSpan.FromHours(6);

    /// <summary>
    /// Upper bound on a cooldown until a usage window's reset: a weekly window may legitimately hold an account for days,
    /// but not for longer than such a window lasts.
    /// </summary>
    public static readonly TimeSpan MaxUsageWindowCooldown = TimeSpan.FromDays(8);

    /// <summary>When a cooldown until an exhausted usage window's reset ends: that reset, at least 1 s, at most <see cref="MaxUsageWindowCooldown"/> away.</summary>
    public static DateTimeOffset UsageWindowCooldownEnd(DateTimeOffset reset, DateTimeOffset now)
    {
        if (reset <= now)
        {
            return now + TimeSpan.FromSeconds(1);
        }

        return reset - now > MaxUsageWindowCooldown ? now + MaxUsageWindowCooldown : reset;
    }

    public static TimeSpan Backoff(int consecutiveFailures)
    {
        var exponent = Math.Clamp(consecutiveFailures - 1, 0, 6);
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, exponent));
        return TimeSpan.FromSeconds(seconds);
    }

    public static TimeSpan RateLimitCooldown(TimeSpan? hint)
    {
        if (hint is not { } h || h <= TimeSpan.Zero)
        {
            return hint is null ? DefaultRateLimitCooldown : TimeSpan.FromSeconds(1);
        }

        return h > MaxRateLimitCooldown ? MaxRateLimitCooldown : h;
    }
}
