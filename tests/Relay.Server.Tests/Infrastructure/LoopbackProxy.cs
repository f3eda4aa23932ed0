using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// What the loopback test proxies share: a listener on 127.0.0.1, one task per accepted connection, counters, the
/// targets clients asked for, and the local ports of the outbound sockets the proxy opened (the fake upstream records
/// each request's remote port, so a test can tell which requests came through which proxy).
/// </summary>
public abstract class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _open = [];
    private readonly ConcurrentQueue<string> _targets = new();
    private readonly ConcurrentDictionary<int, byte> _outboundPorts = new();
    private Task _acceptLoop = Task.CompletedTask;
    private int _connections;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Client connections accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary><c>host:port</c> of every tunnel or forwarded request, in order.</summary>
    public IReadOnlyList<string> Targets => [.. _targets];

    /// <summary>Local ports of the sockets this proxy opened to targets.</summary>
    public IReadOnlyCollection<int> OutboundPorts => [.. _outboundPorts.Keys];

    protected CancellationToken Stopping => _stop.Token;

    protected void Listen()
    {
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _open)
        {
            socket.Dispose();
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Handles one client connection; returning closes it.</summary>
    protected abstract Task ServeAsync(Stream client, CancellationToken cancellationToken);

    /// <summary>Connects to a target on behalf of a client, recording it.</summary>
    protected async Task<NetworkStream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        _targets.Enqueue($"{host}:{port}");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open.Add(socket);
        await socket.ConnectAsync(host, port, cancellationToken);
        _outboundPorts.TryAdd(((IPEndPoint)socket.LocalEndPoint!).Port, 0);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Copies both ways until either side closes.</summary>
    protected static async Task PipeAsync(Stream client, Stream target, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var up = Copy(client, target, done.Token);
        var down = Copy(target, client, done.Token);
        await Task.WhenAny(up, down);
        await done.CancelAsync();
        await Task.WhenAll(up, down);

        static async Task Copy(Stream from, Stream to, CancellationToken cancellationToken)
        {
            try
            {
                await from.CopyToAsync(to, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _open.Add(socket);
            _ = Task.Run(async () =>
            {
                await using var stream = new NetworkStream(socket, ownsSocket: true);
                try
                {
                    await ServeAsync(stream, _stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    // The client or the target went away; the connection just ends.
                }
            });
        }
    }
}
