using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A minimal SOCKS5 proxy on loopback: RFC 1928 CONNECT (IPv4, IPv6 and domain-name targets) with either no
/// authentication or, when started with credentials, RFC 1929 username/password (wrong credentials are refused and
/// the connection closed). Each tunnel may carry several HTTP requests (the client keeps connections alive).
/// </summary>
public sealed class LoopbackSocks5Proxy : LoopbackProxy
{
    private readonly string? _userName;
    private readonly string? _password;
    private int _tunnels;
    private int _authFailures;
    private int _authSuccesses;

    private LoopbackSocks5Proxy(string? userName, string? password)
    {
        _userName = userName;
        _password = password;
    }

    public static LoopbackSocks5Proxy Start(string? userName = null, string? password = null)
    {
        var proxy = new LoopbackSocks5Proxy(userName, password);
        proxy.Listen();
        return proxy;
    }

    /// <summary><c>socks5://[user:pass@]127.0.0.1:PORT</c> (or another scheme, e.g. socks5h).</summary>
    public string Url(string? userName = null, string? password = null, string scheme = "socks5") =>
        userName is null ? $"{scheme}://127.0.0.1:{Port}" : $"{scheme}://{Uri.EscapeDataString(userName)}:{Uri.EscapeDataString(password ?? "")}@127.0.0.1:{Port}";

    public int Tunnels => Volatile.Read(ref _tunnels);
    public int AuthFailures => Volatile.Read(ref _authFailures);
    public int AuthSuccesses => Volatile.Read(ref _authSuccesses);

    protected override async Task ServeAsync(Stream client, CancellationToken cancellationToken)
    {
        // Greeting: VER, NMETHODS, METHODS.
        var two = new byte[2];
        await client.ReadExactlyAsync(two, cancellationToken);
        if (two[0] != 5)
        {
            return;
        }

        var methods = new byte[two[1]];
        await client.ReadExactlyAsync(methods, cancellationToken);
        var wanted = _userName is null ? (byte)0x00 : (byte)0x02;
        if (!methods.Contains(wanted))
        {
            await client.WriteAsync(new byte[] { 5, 0xFF }, cancellationToken);
            return;
        }

        await client.WriteAsync(new byte[] { 5, wanted }, cancellationToken);
        if (_userName is not null && !await AuthenticateAsync(client, cancellationToken))
        {
            return;
        }

        // Request: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT.
        var request = new byte[4];
        await client.ReadExactlyAsync(request, cancellationToken);
        if (request[0] != 5 || request[1] != 1)
        {
            await client.WriteAsync(new byte[] { 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken);
            return;
        }

        string host;
        switch (request[3])
        {
            case 1:
                var v4 = new byte[4];
                await client.ReadExactlyAsync(v4, cancellationToken);
                host = new IPAddress(v4).ToString();
                break;
            case 4:
                var v6 = new byte[16];
                await client.ReadExactlyAsync(v6, cancellationToken);
                host = new IPAddress(v6).ToString();
                break;
            case 3:
                var length = new byte[1];
                await client.ReadExactlyAsync(length, cancellationToken);
                var name = new byte[length[0]];
                await client.ReadExactlyAsync(name, cancellationToken);
                host = Encoding.ASCII.GetString(name);
                break;
            default:
                await client.WriteAsync(new byte[] { 5, 8, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken);
                return;
        }

        var portBytes = new byte[2];
        await client.ReadExactlyAsync(portBytes, cancellationToken);
        var port = (portBytes[0] << 8) | portBytes[1];

        NetworkStream target;
        try
        {
            target = await ConnectAsync(host, port, cancellationToken);
        }
        catch (SocketException)
        {
            await client.WriteAsync(new byte[] { 5, 5, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken);
            return;
        }

        await using (target)
        {
            Interlocked.Increment(ref _tunnels);
            await client.WriteAsync(new byte[] { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, cancellationToken);
            await PipeAsync(client, target, cancellationToken);
        }
    }

    /// <summary>RFC 1929: VER=1, ULEN, UNAME, PLEN, PASSWD → VER=1, STATUS (0 = success).</summary>
    private async Task<bool> AuthenticateAsync(Stream client, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        await client.ReadExactlyAsync(header, cancellationToken);
        var user = new byte[header[1]];
        await client.ReadExactlyAsync(user, cancellationToken);
        var passwordLength = new byte[1];
        await client.ReadExactlyAsync(passwordLength, cancellationToken);
        var password = new byte[passwordLength[0]];
        await client.ReadExactlyAsync(password, cancellationToken);

        var ok = header[0] == 1
            && Encoding.UTF8.GetString(user) == _userName
            && Encoding.UTF8.GetString(password) == _password;
        await client.WriteAsync(new byte[] { 1, ok ? (byte)0 : (byte)1 }, cancellationToken);
        Interlocked.Increment(ref ok ? ref _authSuccesses : ref _authFailures);
        return ok;
    }

    public override string ToString() => $"socks5 proxy on port {Port.ToString(CultureInfo.InvariantCulture)}";
}
