using System.Collections.Concurrent;
using Relay.Server.Hosting;

namespace Relay.Server.Control.Sessions;

/// <summary>
/// Counts sign-in attempts per user name and per client IP in fixed windows, in memory (a restart
/// forgets them; one process serves the Control API). An attempt is counted <em>before</em> the
/// password is checked, so parallel guesses cannot all slip past the limit while the slow hash runs;
/// a success then takes its attempt back and clears the user name's count.
/// </summary>
internal sealed class SignInThrottle(RelayOptions options, TimeProvider time)
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly TimeSpan _length = TimeSpan.FromSeconds(Math.Max(1, options.SignInWindowSeconds));

    /// <summary>Counts an attempt for both keys, or returns how long to wait when either is used up (nothing is counted then).</summary>
    public TimeSpan? TryBegin(string username, string clientIp)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var user = _windows.GetOrAdd(UserKey(username), _ => new Window());
        var ip = _windows.GetOrAdd(IpKey(clientIp), _ => new Window());

        // Lock order is fixed (user, then IP) so two attempts never deadlock.
        lock (user)
        {
            lock (ip)
            {
                var wait = Max(user.RetryAfter(now, _length, options.SignInMaxFailuresPerUser), ip.RetryAfter(now, _length, options.SignInMaxFailuresPerIp));
                if (wait is not null)
                {
                    return wait;
                }

                user.Count(now, _length);
                ip.Count(now, _length);
                return null;
            }
        }
    }

    /// <summary>The attempt succeeded: the user name starts afresh and the IP's attempt is taken back.</summary>
    public void Succeeded(string username, string clientIp)
    {
        _windows.TryRemove(UserKey(username), out _);
        if (_windows.TryGetValue(IpKey(clientIp), out var ip))
        {
            lock (ip)
            {
                ip.Uncount();
            }
        }
    }

    private static string UserKey(string username) => "u:" + username.ToUpperInvariant();

    private static string IpKey(string clientIp) => "ip:" + clientIp;

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>Keeps memory bounded under a spray of user names: drop windows that have ended.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (_windows.Count <= SweepAbove)
        {
            return;
        }

        foreach (var (key, window) in _windows)
        {
            if (window.EndedBy(now, _length))
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        private DateTimeOffset _start;
        private int _attempts;

        public TimeSpan? RetryAfter(DateTimeOffset now, TimeSpan length, int max)
        {
            if (EndedBy(now, length) || _attempts < Math.Max(1, max))
            {
                return null;
            }

            return _start + length - now;
        }

        public void Count(DateTimeOffset now, TimeSpan length)
        {
            if (EndedBy(now, length))
            {
                _start = now;
                _attempts = 0;
            }

            _attempts++;
        }

        public void Uncount() => _attempts = Math.Max(0, _attempts - 1);

        public bool EndedBy(DateTimeOffset now, TimeSpan length) => _attempts == 0 || now >= _start + length;
    }
}
