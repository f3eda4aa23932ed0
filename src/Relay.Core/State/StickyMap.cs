using System.Collections.Concurrent;

namespace Relay.Core.State;

/// <summary>
/// Conversation → account with expiry. Bounded: expired entries are swept when the map grows past
/// its cap, and if it is still full the new mapping is simply not remembered (stickiness is an
/// optimisation; memory that grows without bound is a bug).
/// </summary>
internal sealed class StickyMap(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _sweeping;

    public string? Get(string key, DateTimeOffset now)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > now)
            {
                return entry.AccountId;
            }

            _entries.TryRemove(KeyValuePair.Create(key, entry));
        }

        return null;
    }

    public void Set(string key, string accountId, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (_entries.Count >= capacity && !_entries.ContainsKey(key))
        {
            Sweep(now);
            if (_entries.Count >= capacity)
            {
                return;
            }
        }

        _entries[key] = new Entry(accountId, expiresAt);
    }

    private void Sweep(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            foreach (var pair in _entries)
            {
                if (pair.Value.ExpiresAt <= now)
                {
                    _entries.TryRemove(pair);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed record Entry(string AccountId, DateTimeOffset ExpiresAt);
}
