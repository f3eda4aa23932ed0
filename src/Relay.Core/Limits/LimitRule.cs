namespace Relay.Core.Limits;

/// <summary>
/// One limit on a key or an account: <see cref="Max"/> of <see cref="Meter"/> per <see cref="Window"/>.
/// Concurrency rules have no window and may have a <see cref="Queue"/>.
/// </summary>
public sealed record LimitRule(LimitMeter Meter, LimitWindow Window, decimal Max, LimitQueue? Queue = null)
{
    /// <summary>Longest a request may wait in a concurrency queue: a queue is for smoothing bursts, not parking.</summary>
    public static readonly TimeSpan MaxQueueTimeout = TimeSpan.FromMinutes(5);

    public const int MaxQueueSize = 10_000;

    /// <summary>Builds a rule from the Control API's text shape, with an error naming the field at fault.</summary>
    public static bool TryCreate(
        string? meter, string? window, decimal max, int? queueSize, string? queueTimeout,
        out LimitRule? rule, out string? error)
    {
        rule = null;
        if (!TryParseMeter(meter, out var kind))
        {
            error = $"meter \"{meter}\" is not one of requests, tokens, cost, concurrency";
            return false;
        }

        if (max < 0)
        {
            error = "max must not be negative";
            return false;
        }

        if (kind == LimitMeter.Concurrency)
        {
            return TryCreateConcurrency(window, max, queueSize, queueTimeout, out rule, out error);
        }

        if (queueSize is not null || queueTimeout is not null)
        {
            error = "queue applies to concurrency rules only";
            return false;
        }

        if (window is null)
        {
            error = $"{meter} rules need a window (\"60s\", \"5h\", \"1d\", \"1w\" or \"total\")";
            return false;
        }

        if (!LimitWindow.TryParse(window, out var parsed, out error))
        {
            return false;
        }

        rule = new LimitRule(kind, parsed, max);
        return true;
    }

    public static bool TryParseMeter(string? text, out LimitMeter meter)
    {
        meter = default;
        return text is not null
            && Enum.TryParse(text.Trim(), ignoreCase: true, out meter)
            && Enum.IsDefined(meter)
            && !char.IsDigit(text.Trim()[0]);
    }

    private static bool TryCreateConcurrency(
        string? window, decimal max, int? queueSize, string? queueTimeout, out LimitRule? rule, out string? error)
    {
        rule = null;
        if (window is not null)
        {
            error = "concurrency rules take no window";
            return false;
        }

        if (max < 1 || max != decimal.Truncate(max) || max > int.MaxValue)
        {
            error = "concurrency max must be a whole number of at least 1";
            return false;
        }

        LimitQueue? queue = null;
        if (queueSize is not null || queueTimeout is not null)
        {
            if (queueSize is not { } size || size < 1 || size > MaxQueueSize)
            {
                error = $"queue.size must be between 1 and {MaxQueueSize}";
                return false;
            }

            if (!DurationText.TryParse(queueTimeout, out var timeout, out var timeoutError))
            {
                error = $"queue.timeout: {timeoutError}";
                return false;
            }

            if (timeout > MaxQueueTimeout)
            {
                error = "queue.timeout must be at most 5m";
                return false;
            }

            queue = new LimitQueue(size, timeout);
        }

        rule = new LimitRule(LimitMeter.Concurrency, LimitWindow.None, max, queue);
        error = null;
        return true;
    }
}
