using Relay.Server.Cli;

namespace Relay.Server.Tests.Control;

/// <summary><c>relay admin users …</c> against the data directory of a running server.</summary>
public sealed class AdminUserCliTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDir, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RelayCommandLine.RunAsync([.. args, "--data-dir", dataDir], new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Users_added_from_stdin_sign_in_and_a_new_password_signs_them_out()
    {
        await using var server = await ControlServer.StartAsync();
        var (exit, stdout, stderr) = await RunAsync(server.DataDir, "first-password-123\n", "admin", "users", "add", "Alice", "--password", "-");
        Assert.True(exit == 0, stderr);
        Assert.Equal("Alice", ControlServer.Parse(stdout).GetProperty("username").GetString());
        Assert.DoesNotContain("first-password-123", stdout + stderr, StringComparison.Ordinal);

        var session = await Session.SignInAsync(server, "alice", "first-password-123");
        Assert.Equal("Alice", session.Username);
        Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);

        // Names ignore case: a second "ALICE" is a conflict.
        Assert.Equal(1, (await RunAsync(server.DataDir, "", "admin", "users", "add", "ALICE", "--password", "another-password-1")).Exit);

        (exit, _, stderr) = await RunAsync(server.DataDir, "second-password-456\n", "admin", "users", "set-password", "alice", "--password", "-");
        Assert.True(exit == 0, stderr);
        ControlServer.AssertError(401, "unauthorized", await session.SendAsync(server, HttpMethod.Get, "api/accounts"));
        Assert.Equal(401, (await Session.TrySignInAsync(server, "alice", "first-password-123")).Status);
        Assert.Equal(200, (await Session.TrySignInAsync(server, "alice", "second-password-456")).Status);

        var list = await RunAsync(server.DataDir, "", "admin", "users", "list");
        Assert.Equal(0, list.Exit);
        var items = ControlServer.Parse(list.Out).GetProperty("items");
        Assert.Equal(["admin", "Alice"], items.EnumerateArray().Select(i => i.GetProperty("username").GetString()).Order(StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain("pbkdf2", list.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync(server.DataDir, "", "admin", "users", "remove", "alice")).Exit);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "alice", "second-password-456")).Status);
    }

    [Fact]
    public async Task A_generated_password_is_shown_once_and_the_last_admin_cannot_be_removed()
    {
        await using var server = await ControlServer.StartAsync();
        var (exit, _, stderr) = await RunAsync(server.DataDir, "", "admin", "users", "set-password", "admin");
        Assert.True(exit == 0, stderr);
        var generated = stderr.Split('\n').Single(l => l.StartsWith("Generated password", StringComparison.Ordinal)).Split(": ")[1].Trim();
        Assert.Equal(200, (await Session.TrySignInAsync(server, "admin", generated)).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput))).Status);

        var removed = await RunAsync(server.DataDir, "", "admin", "users", "remove", "admin");
        Assert.Equal(1, removed.Exit);
        Assert.Contains("conflict", removed.Err, StringComparison.Ordinal);

        Assert.Equal(2, (await RunAsync(server.DataDir, "", "admin", "users", "add", "bob", "--password", "short")).Exit);
        Assert.DoesNotContain(generated, server.Logs.AllText, StringComparison.Ordinal);
    }
}
