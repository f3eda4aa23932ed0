namespace Relay.Server.Control.Accounts;

/// <summary>
/// The open sign-ins of this process: in memory only (a restart ends them), single use, each expiring at its own
/// time, at most <see cref="Capacity"/> open (the oldest is dropped for a new one).
/// </summary>
internal sealed class SignInSessions(TimeProvider time)
{
    public const int Capacity = 100;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SignInSession> _open = new(StringComparer.Ordinal);

    public void Add(SignInSession session)
    {
        lock (_gate)
        {
            Purge(time.GetUtcNow());
            while (_open.Count >= Capacity)
            {
                var oldest = _open.Values.MinBy(s => s.CreatedAt)!;
                _open.Remove(oldest.Id);
            }

            _open[session.Id] = session;
        }
    }

    /// <summary>The open session of <paramref name="providerId"/> with this id; null when unknown, expired, used or another provider's.</summary>
    public SignInSession? Find(string? id, string providerId)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        lock (_gate)
        {
            Purge(time.GetUtcNow());
            return _open.TryGetValue(id, out var session) && string.Equals(session.ProviderId, providerId, StringComparison.OrdinalIgnoreCase) ? session : null;
        }
    }

    /// <summary>True when the session was still open (this caller ended it).</summary>
    public bool End(SignInSession session)
    {
        lock (_gate)
        {
            return _open.Remove(session.Id);
        }
    }

    public bool IsOpen(SignInSession session)
    {
        lock (_gate)
        {
            return _open.ContainsKey(session.Id) && session.ExpiresAt > time.GetUtcNow();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    private void Purge(DateTimeOffset now)
    {
        foreach (var expired in _open.Values.Where(s => s.ExpiresAt <= now).ToList())
        {
            _open.Remove(expired.Id);
        }
    }
}
