using System.Net;
using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Server.Hosting;

namespace Relay.Server.Forwarding;

/// <summary>
/// The outbound HTTP stack, configured like YARP's forwarder client: no redirects, no decompression,
/// no cookies, no system proxy, no tracing headers injected, a connect timeout, and pooled
/// connections reused across requests. <see cref="HttpMessageInvoker"/> rather than HttpClient so
/// there is no total-request timeout: long streams are bounded by an idle timeout instead.
/// <para>
/// A small pool: one direct handler for every account without a proxy, and one handler per distinct proxy URL
/// (<see cref="AccountEntry.Proxy"/>), created on first use and kept while the URL is unchanged. The route is pinned
/// on the snapshot's <see cref="OutboundProxy.Transport"/>, so the request path reads a field, never a dictionary.
/// When a new snapshot no longer uses a proxy, its handler is released after <see cref="RetireGrace"/>, so requests
/// still running on the old snapshot finish on it.
/// </para>
/// </summary>
internal sealed partial class UpstreamHttp : ISnapshotPreparer, IDisposable
{
    private readonly RelayOptions _options;
    private readonly ILogger<UpstreamHttp> _logger;
    private readonly TimeProvider _time;
    private readonly Action<SocketsHttpHandler>? _configureHandler;
    private readonly SocketsHttpHandler _direct;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ProxyRoute> _routes = new(StringComparer.Ordinal);
    private HashSet<string> _inUse = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <param name="configureHandler">Applied to every handler the pool creates, after Relay's own settings (tests trust their own TLS certificate with it).</param>
    public UpstreamHttp(RelayOptions options, ILogger<UpstreamHttp> logger, TimeProvider time, Action<SocketsHttpHandler>? configureHandler = null)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _configureHandler = configureHandler;
        _direct = CreateHandler(proxy: null);
        Invoker = new HttpMessageInvoker(_direct, disposeHandler: false);
    }

    /// <summary>The direct invoker, for accounts without a proxy.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>How long a handler no account uses any more is kept for requests still in flight on it.</summary>
    public TimeSpan RetireGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Display forms (no password) of the proxies that have a live handler now; for tests and diagnostics.</summary>
    public IReadOnlyList<string> ProxyHandlers
    {
        get
        {
            lock (_gate)
            {
                return [.. _routes.Values.Select(r => r.Display)];
            }
        }
    }

    /// <summary>
    /// The invoker for <paramref name="account"/>: its proxy's handler, or the direct one. Null when the account has a proxy
    /// that could not be read: its traffic must not go out directly. Hot path: one type check and one volatile read.
    /// </summary>
    public HttpMessageInvoker? InvokerFor(AccountEntry account)
    {
        if (account.Proxy is not { } proxy)
        {
            return account.Record.ProxyCiphertext is null ? Invoker : null;
        }

        return proxy.Transport is ProxyRoute { IsDisposed: false } route ? route.Invoker : Attach(proxy).Invoker;
    }

    /// <summary>
    /// The invoker for a proxy no stored account may use yet (a sign-in for an account still to be created). The handler
    /// is shared with any account on the same URL; one no account uses is released after <see cref="RetireGrace"/>, so
    /// callers ask again for each call rather than keep the invoker.
    /// </summary>
    public HttpMessageInvoker InvokerFor(OutboundProxy proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return Attach(proxy).Invoker;
    }

    /// <summary>
    /// Runs before each snapshot goes live: pins the handlers of proxies that are unchanged onto the new entries, and
    /// schedules the release of those no account uses any more. New proxies get their handler on first use.
    /// </summary>
    public Task PrepareAsync(RelaySnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var inUse = new HashSet<string>(StringComparer.Ordinal);
        var retiring = false;
        lock (_gate)
        {
            foreach (var account in snapshot.Accounts)
            {
                if (account.Proxy is not { } proxy)
                {
                    continue;
                }

                inUse.Add(proxy.Url);
                if (_routes.TryGetValue(proxy.Url, out var route))
                {
                    route.RetiredAt = null;
                    proxy.Transport = route;
                }
            }

            _inUse = inUse;
            foreach (var route in _routes.Values)
            {
                if (!inUse.Contains(route.Url) && route.RetiredAt is null)
                {
                    route.RetiredAt = _time.GetTimestamp();
                    retiring = true;
                }
            }
        }

        if (retiring)
        {
            _ = ReleaseLaterAsync();
        }

        return Task.CompletedTask;
    }

    private ProxyRoute Attach(OutboundProxy proxy)
    {
        var scheduleRelease = false;
        ProxyRoute? route;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_routes.TryGetValue(proxy.Url, out route))
            {
                route = new ProxyRoute(proxy.Url, proxy.Endpoint, CreateHandler(proxy));
                _routes.Add(proxy.Url, route);
                Log.ProxyHandlerCreated(_logger, proxy.Endpoint);

                // Asked for by an entry of an older snapshot whose proxy the current one no longer uses: released again later.
                if (!_inUse.Contains(proxy.Url))
                {
                    route.RetiredAt = _time.GetTimestamp();
                    scheduleRelease = true;
                }
            }

            proxy.Transport = route;
        }

        if (scheduleRelease)
        {
            _ = ReleaseLaterAsync();
        }

        return route;
    }

    /// <summary>Releases routes retired for at least the grace period; waits again for those retired more recently.</summary>
    private async Task ReleaseLaterAsync()
    {
        var grace = RetireGrace;
        var wait = grace;
        while (true)
        {
            await Task.Delay(wait, _time).ConfigureAwait(false);
            List<ProxyRoute> released = [];
            TimeSpan? next = null;
            lock (_gate)
            {
                foreach (var route in _routes.Values)
                {
                    if (route.RetiredAt is not { } retiredAt)
                    {
                        continue;
                    }

                    var left = grace - _time.GetElapsedTime(retiredAt);
                    if (left <= TimeSpan.Zero)
                    {
                        released.Add(route);
                    }
                    else if (next is null || left < next)
                    {
                        // A timer may fire a little early, and another route may have retired meanwhile.
                        next = left;
                    }
                }

                foreach (var route in released)
                {
                    _routes.Remove(route.Url);
                    route.IsDisposed = true;
                }
            }

            foreach (var route in released)
            {
                route.Dispose();
                Log.ProxyHandlerReleased(_logger, route.Display);
            }

            if (next is not { } remaining)
            {
                return;
            }

            wait = remaining + TimeSpan.FromMilliseconds(1);
        }
    }

    private SocketsHttpHandler CreateHandler(OutboundProxy? proxy)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = proxy is not null,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds),
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),

            // Re-resolve DNS now and then: provider edges move.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };

        if (proxy is not null)
        {
            // This proxy only: no bypass list, no environment proxy, loopback included. Credentials go to the proxy
            // (Proxy-Authorization for http/https, RFC 1929 for SOCKS5), never to the upstream.
            handler.Proxy = new WebProxy(proxy.ProxyUri, BypassOnLocal: false)
            {
                Credentials = proxy.UserName is { } user ? new NetworkCredential(user, proxy.Password) : null,
            };
            handler.DefaultProxyCredentials = null;
        }

        _configureHandler?.Invoke(handler);
        return handler;
    }

    public void Dispose()
    {
        List<ProxyRoute> routes;
        lock (_gate)
        {
            _disposed = true;
            routes = [.. _routes.Values];
            _routes.Clear();
        }

        foreach (var route in routes)
        {
            route.IsDisposed = true;
            route.Dispose();
        }

        Invoker.Dispose();
        _direct.Dispose();
    }

    /// <summary>One proxy's handler. <see cref="Url"/> holds credentials and is only a dictionary key; <see cref="Display"/> is safe to log.</summary>
    private sealed class ProxyRoute(string url, string display, SocketsHttpHandler handler) : IDisposable
    {
        private volatile bool _disposed;

        public string Url { get; } = url;
        public string Display { get; } = display;
        public HttpMessageInvoker Invoker { get; } = new(handler, disposeHandler: true);

        /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) since when no account uses it; null while in use. Guarded by the pool's lock.</summary>
        public long? RetiredAt { get; set; }

        public bool IsDisposed
        {
            get => _disposed;
            set => _disposed = value;
        }

        public void Dispose() => Invoker.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(2101, LogLevel.Debug, "Outbound handler created for proxy {Proxy}")]
        public static partial void ProxyHandlerCreated(ILogger logger, string proxy);

        [LoggerMessage(2102, LogLevel.Debug, "Outbound handler for proxy {Proxy} released: no account uses it any more")]
        public static partial void ProxyHandlerReleased(ILogger logger, string proxy);
    }
}
