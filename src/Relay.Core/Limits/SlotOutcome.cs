namespace Relay.Core.Limits;

/// <summary>Result of asking for a concurrency slot. Only <see cref="Acquired"/> must be paired with a release.</summary>
public enum SlotOutcome
{
    Acquired,

    /// <summary>All slots busy and the wait queue full (or no queue): refused at once.</summary>
    QueueFull,

    /// <summary>Waited the queue's timeout without a slot freeing up.</summary>
    TimedOut,

    /// <summary>The caller gave up (client disconnected) while waiting.</summary>
    Cancelled,
}
