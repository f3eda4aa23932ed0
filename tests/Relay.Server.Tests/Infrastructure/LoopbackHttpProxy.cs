using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/1.1 forward proxy on loopback: <c>CONNECT host:port</c> tunnels (what a client uses for an https://
/// target), and absolute-form requests (<c>POST http://host:port/path</c>, for http:// targets) forwarded with
/// <c>Connection: close</c> so that each forwarded request has a connection of its own and can be counted.
/// Optionally requires <c>Proxy-Authorization: Basic</c> and answers 407 without it.
/// </summary>
public sealed class LoopbackHttpProxy : LoopbackProxy
{
    private const int MaxHeadBytes = 64 * 1024;
    private readonly string? _expectedAuthorization;
    private readonly X509Certificate2? _tls;
    private readonly ConcurrentQueue<string> _methods = new();
    private int _tunnels;
    private int _forwarded;
    private int _rejected;
    private int _handshakes;

    private LoopbackHttpProxy(string? userName, string? password, X509Certificate2? tls)
    {
        _tls = tls;
        if (userName is not null)
        {
            _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userName}:{password}"));
        }
    }

    /// <summary>
    /// Starts a proxy; with <paramref name="userName"/> it requires those Basic credentials; with <paramref name="tls"/>
    /// clients talk TLS to the proxy itself (an https:// proxy).
    /// </summary>
    public static LoopbackHttpProxy Start(string? userName = null, string? password = null, X509Certificate2? tls = null)
    {
        var proxy = new LoopbackHttpProxy(userName, password, tls);
        proxy.Listen();
        return proxy;
    }

    /// <summary><c>http://127.0.0.1:PORT</c> (<c>https://</c> with TLS), with credentials when given.</summary>
    public string Url(string? userName = null, string? password = null)
    {
        var scheme = _tls is null ? "http" : "https";
        return userName is null ? $"{scheme}://127.0.0.1:{Port}" : $"{scheme}://{Uri.EscapeDataString(userName)}:{Uri.EscapeDataString(password ?? "")}@127.0.0.1:{Port}";
    }

    /// <summary>TLS handshakes with clients completed (https:// proxy only).</summary>
    public int TlsHandshakes => Volatile.Read(ref _handshakes);

    /// <summary>Request methods received (CONNECT or the forwarded method), authenticated or not, in order.</summary>
    public IReadOnlyList<string> Methods => [.. _methods];

    /// <summary>CONNECT tunnels established.</summary>
    public int Tunnels => Volatile.Read(ref _tunnels);

    /// <summary>Absolute-form requests forwarded (one per connection).</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Requests answered 407.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    protected override async Task ServeAsync(Stream client, CancellationToken cancellationToken)
    {
        if (_tls is not null)
        {
            var tls = new SslStream(client, leaveInnerStreamOpen: false);
            await using (tls)
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tls }, cancellationToken);
                Interlocked.Increment(ref _handshakes);
                await ServeHttpAsync(tls, cancellationToken);
            }

            return;
        }

        await ServeHttpAsync(client, cancellationToken);
    }

    private async Task ServeHttpAsync(Stream client, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(client, cancellationToken);
        if (head is null)
        {
            return;
        }

        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            await WriteAsync(client, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", cancellationToken);
            return;
        }

        var (method, target) = (parts[0], parts[1]);
        _methods.Enqueue(method);
        var headers = lines.Skip(1).Where(l => l.Length > 0).ToList();
        if (_expectedAuthorization is not null
            && !headers.Any(h => h.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase) && h[20..].Trim() == _expectedAuthorization))
        {
            Interlocked.Increment(ref _rejected);
            await WriteAsync(client, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"relay-test\"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", cancellationToken);
            return;
        }

        if (method == "CONNECT")
        {
            var colon = target.LastIndexOf(':');
            await using var tunnel = await ConnectAsync(target[..colon], int.Parse(target[(colon + 1)..], CultureInfo.InvariantCulture), cancellationToken);
            Interlocked.Increment(ref _tunnels);
            await WriteAsync(client, "HTTP/1.1 200 Connection established\r\n\r\n", cancellationToken);
            await PipeAsync(client, tunnel, cancellationToken);
            return;
        }

        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            await WriteAsync(client, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", cancellationToken);
            return;
        }

        // Origin-form to the target, minus the proxy's own headers, and one request per connection.
        var forwarded = new StringBuilder($"{method} {uri.PathAndQuery} HTTP/1.1\r\n");
        foreach (var header in headers)
        {
            if (!header.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !header.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase))
            {
                forwarded.Append(header).Append("\r\n");
            }
        }

        forwarded.Append("Connection: close\r\n\r\n");
        await using var upstream = await ConnectAsync(uri.Host, uri.Port, cancellationToken);
        Interlocked.Increment(ref _forwarded);
        await WriteAsync(upstream, forwarded.ToString(), cancellationToken);
        await PipeAsync(client, upstream, cancellationToken);
    }

    /// <summary>Reads up to the blank line, byte by byte so nothing after the head is consumed.</summary>
    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < MaxHeadBytes)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. head]);
            }
        }

        return null;
    }

    private static async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
