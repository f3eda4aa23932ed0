namespace Relay.Core.Limits;

/// <summary>
/// A short wait line in front of a concurrency limit: up to <see cref="Size"/> requests wait, each at
/// most <see cref="Timeout"/>, before being refused.
/// </summary>
public sealed record LimitQueue(int Size, TimeSpan Timeout);
