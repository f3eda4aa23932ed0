using Relay.Server.Cli;

namespace Relay.Server.Tests.Control;

/// <summary><c>relay accounts add|update --proxy URL</c> (and <c>--proxy ""</c> to remove it), as a separate process would run them.</summary>
public sealed class AccountProxyCliTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDir, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RelayCommandLine.RunAsync([.. args, "--data-dir", dataDir], TextReader.Null, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task The_cli_sets_shows_without_the_password_and_removes_a_proxy()
    {
        await using var server = await ControlServer.StartAsync(pollMilliseconds: 200);
        var password = "cli-pw-" + ControlServer.RandomToken(16);
        var url = $"socks5://bob:{password}@127.0.0.1:1080";

        var added = await RunAsync(server.DataDir, "accounts", "add", "--name", "behind-proxy", "--secret", "sk-ant-" + ControlServer.RandomToken(30), "--proxy", url);
        Assert.True(added.Exit == 0, added.Err);
        Assert.DoesNotContain(password, added.Out + added.Err, StringComparison.Ordinal);
        var view = ControlServer.Parse(added.Out);
        var id = view.GetProperty("id").GetString()!;
        Assert.Equal("socks5://bob:****@127.0.0.1:1080", view.GetProperty("proxy").GetProperty("url").GetString());

        // The running server decrypts it into its snapshot.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!server.Snapshot.AccountsById.ContainsKey(id) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(password, server.Snapshot.AccountsById[id].Proxy!.Password);

        var invalid = await RunAsync(server.DataDir, "accounts", "update", id, "--proxy", "http://no-port.example");
        Assert.NotEqual(0, invalid.Exit);
        Assert.Contains("'proxy'", invalid.Err, StringComparison.Ordinal);

        var removed = await RunAsync(server.DataDir, "accounts", "update", id, "--proxy", "");
        Assert.True(removed.Exit == 0, removed.Err);
        Assert.False(ControlServer.Parse(removed.Out).TryGetProperty("proxy", out _));
    }
}
