using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Server.Cli;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>
/// <c>relay accounts signin</c> and <c>relay accounts import</c> against a running relay's data directory and the
/// fake provider: the URL on stderr, the code pasted on stdin (read by a "browser" that follows the printed URL), the
/// device code approved while the CLI waits; the account JSON on stdout and never a token anywhere.
/// </summary>
public sealed class OAuthSignInCliTests : IAsyncLifetime
{
    private FakeOAuthProvider _oauth = null!;
    private ControlServer _server = null!;

    public async Task InitializeAsync()
    {
        _oauth = await FakeOAuthProvider.StartAsync();
        _server = await ControlServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(TextReader stdin, StringWriter error, params string[] args)
    {
        using var output = new StringWriter();
        string[] all = [.. args, .. _oauth.SettingsArgs("claude"), .. _oauth.SettingsArgs("chatgpt"), "--data-dir", _server.DataDir];
        var exit = await RelayCommandLine.RunAsync(all, stdin, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private void AssertNoSecret(params string[] texts)
    {
        foreach (var secret in _oauth.IssuedTokens.Where(s => s.Length >= 8))
        {
            Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Signin_prints_the_url_reads_the_pasted_code_and_prints_the_new_account()
    {
        using var error = new StringWriter();
        var browser = new BrowserOperator(error, mistypeFirst: true);

        var (exit, stdout, stderr) = await RunAsync(browser, error, "accounts", "signin", "claude", "--name", "cli-claude", "--priority", "3", "--base-url", "http://127.0.0.1:9");

        Assert.True(exit == 0, stderr);
        Assert.Contains(_oauth.BaseUrl + "/oauth/authorize?", stderr, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", stderr, StringComparison.Ordinal);
        Assert.Equal(2, browser.Pastes);
        var view = ControlServer.Parse(stdout);
        Assert.Equal("cli-claude", view.GetProperty("name").GetString());
        Assert.Equal(3, view.GetProperty("priority").GetInt32());
        Assert.Equal(_oauth.Email, view.GetProperty("oauth").GetProperty("email").GetString());
        AssertNoSecret(stdout, stderr);

        var record = await _server.App.Services.GetRequiredService<IConfigStore>().GetAccountAsync(view.GetProperty("id").GetString()!);
        var tokens = OAuthTokenSet.Parse(_server.App.Services.GetRequiredService<SecretProtector>().Unprotect(record!.TokensCiphertext!));
        Assert.Equal(_oauth.CurrentAccessToken, tokens.AccessToken);
        Assert.Equal(_oauth.CurrentRefreshToken, tokens.RefreshToken);
    }

    [Fact]
    public async Task Signin_with_device_prints_the_user_code_and_waits_for_approval()
    {
        using var error = new StringWriter();
        var run = RunAsync(new StringReader(""), error, "accounts", "signin", "chatgpt", "--device", "--name", "cli-device");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_oauth.UserCode is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(1500);
        _oauth.ApproveDevice();
        var (exit, stdout, stderr) = await run;

        Assert.True(exit == 0, stderr);
        Assert.Contains(_oauth.UserCode!, stderr, StringComparison.Ordinal);
        Assert.Contains(_oauth.BaseUrl + "/device", stderr, StringComparison.Ordinal);
        Assert.True(_oauth.DevicePolls >= 2);
        var view = ControlServer.Parse(stdout);
        Assert.Equal(_oauth.ChatGptAccountId, view.GetProperty("oauth").GetProperty("accountId").GetString());
        AssertNoSecret(stdout, stderr);
    }

    [Fact]
    public async Task Import_reads_a_file_or_stdin_and_refuses_another_providers_file()
    {
        var (access, refresh) = _oauth.SignIn();
        var file = Path.Combine(_server.DataDir, "credentials.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { claudeAiOauth = new { accessToken = access, refreshToken = refresh, expiresAt = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), subscriptionType = "pro" } }));

        var (exit, stdout, stderr) = await RunAsync(new StringReader(""), new StringWriter(), "accounts", "import", "claude", "--file", file, "--name", "cli-import");
        Assert.True(exit == 0, stderr);
        var view = ControlServer.Parse(stdout);
        Assert.Equal("pro", view.GetProperty("oauth").GetProperty("plan").GetString());

        var (wrongExit, wrongOut, wrongErr) = await RunAsync(new StringReader(await File.ReadAllTextAsync(file)), new StringWriter(), "accounts", "import", "chatgpt", "--file", "-", "--name", "cli-wrong");
        Assert.Equal(CliConsole.UsageError, wrongExit);
        Assert.Contains("Codex auth.json", wrongErr, StringComparison.Ordinal);

        var token = "sk-ant-oat01-" + RelayServer.RandomToken(40);
        var (againExit, againOut, againErr) = await RunAsync(new StringReader(token + "\n"), new StringWriter(), "accounts", "import", "claude", "--file", "-", "--account", view.GetProperty("id").GetString()!);
        Assert.True(againExit == 0, againErr);
        Assert.False(ControlServer.Parse(againOut).GetProperty("oauth").GetProperty("hasRefreshToken").GetBoolean());

        foreach (var text in new[] { stdout, stderr, wrongOut, wrongErr, againOut, againErr })
        {
            Assert.DoesNotContain(access, text, StringComparison.Ordinal);
            Assert.DoesNotContain(refresh, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The operator at the terminal: reads the URL the CLI printed, signs in with a browser, pastes what the page
    /// shows (first a mistyped code, if asked), then ends the input.
    /// </summary>
    private sealed class BrowserOperator(StringWriter printed, bool mistypeFirst) : TextReader
    {
        private string? _pasted;

        public int Pastes { get; private set; }

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            if (Pastes == (mistypeFirst ? 2 : 1))
            {
                return null;
            }

            if (_pasted is null)
            {
                var url = printed.ToString().Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("http", StringComparison.Ordinal));
                _pasted = await FakeOAuthProvider.SignInAsync(url);
            }

            Pastes++;
            return mistypeFirst && Pastes == 1 ? "mistyped#" + _pasted.Split('#')[1] : _pasted;
        }

        public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();
    }
}
