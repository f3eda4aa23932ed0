using Relay.Server.Hosting;

namespace Relay.Server.Forwarding;

/// <summary>
/// The outbound HTTP stack, configured like YARP's forwarder client: no redirects, no decompression,
/// no cookies, no system proxy, no tracing headers injected, a connect timeout, and pooled
/// connections reused across requests. <see cref="HttpMessageInvoker"/> rather than HttpClient so
/// there is no total-request timeout: long streams are bounded by an idle timeout instead.
/// </summary>
internal sealed class UpstreamHttp : IDisposable
{
    private readonly SocketsHttpHandler _handler;

    public UpstreamHttp(RelayOptions options)
    {
        _handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),

            // Re-resolve DNS now and then: provider edges move.
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        Invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose()
    {
        Invoker.Dispose();
        _handler.Dispose();
    }
}
