namespace Relay.Core.Usage;

/// <summary>Which outcomes an event log read returns: all, successes (status &lt; 400) or errors (status ≥ 400).</summary>
public enum UsageStatusFilter
{
    Any,
    Ok,
    Error,
}

/// <summary>
/// A position in the event log, newest first: the (timestamp, id) of the last event of a page. The next page starts
/// strictly after it, so events written meanwhile (newer, or older ones flushed late) never shift a page already read.
/// </summary>
/// <param name="TimestampMs">The event's time in unix milliseconds, as stored.</param>
/// <param name="Id">The event's row id, which breaks ties between events of the same millisecond.</param>
public readonly record struct UsageEventCursor(long TimestampMs, long Id);

/// <summary>One page of the usage event log: events in [From, To) matching the filters, newest first, after <see cref="Before"/>.</summary>
public sealed record UsageEventQuery
{
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public UsageFilter Filter { get; init; } = UsageFilter.None;
    public UsageStatusFilter Status { get; init; }

    /// <summary>Most events returned.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Only events older than this position; null = from the newest.</summary>
    public UsageEventCursor? Before { get; init; }
}

/// <summary>A usage event as read back, with the stable id the store gave it.</summary>
public sealed record StoredUsageEvent(long Id, UsageEvent Event)
{
    /// <summary>Logged content is stored for this event (read it with <see cref="Storage.IUsageStore.GetContentAsync"/>).</summary>
    public bool HasContent { get; init; }

    public UsageEventCursor Cursor => new(Event.Timestamp.ToUnixTimeMilliseconds(), Id);
}
