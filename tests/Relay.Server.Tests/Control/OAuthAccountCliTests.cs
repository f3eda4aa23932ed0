using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Server.Cli;

namespace Relay.Server.Tests.Control;

/// <summary><c>relay accounts add --type oauth</c>: tokens from stdin, validated against the configured providers, never printed.</summary>
public sealed class OAuthAccountCliTests
{
    private const string Provider = "--Relay:OAuthProviders:corp:TokenUrl=http://127.0.0.1:9/oauth/token";
    private const string ClientId = "--Relay:OAuthProviders:corp:ClientId=relay";

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string dataDir, string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RelayCommandLine.RunAsync([.. args, Provider, ClientId, "--data-dir", dataDir], new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_oauth_account_is_added_with_tokens_read_from_stdin()
    {
        await using var server = await ControlServer.StartAsync();
        var access = "cli-access-" + ControlServer.RandomToken(40);
        var refresh = "cli-refresh-" + ControlServer.RandomToken(40);

        var (exit, stdout, stderr) = await RunAsync(
            server.DataDir, $"{access}\n{refresh}\n",
            "accounts", "add", "--name", "sub-1", "--type", "oauth", "--provider", "corp", "--access-token", "-", "--refresh-token", "-",
            "--expires-in", "3600", "--base-url", "http://127.0.0.1:9");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain(access, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(refresh, stdout + stderr, StringComparison.Ordinal);
        var view = ControlServer.Parse(stdout);
        Assert.Equal("oauth", view.GetProperty("type").GetString());
        Assert.Equal("corp", view.GetProperty("oauth").GetProperty("provider").GetString());
        Assert.True(view.GetProperty("oauth").GetProperty("hasRefreshToken").GetBoolean());

        var record = await server.App.Services.GetRequiredService<IConfigStore>().GetAccountAsync(view.GetProperty("id").GetString()!);
        var tokens = OAuthTokenSet.Parse(server.App.Services.GetRequiredService<SecretProtector>().Unprotect(record!.TokensCiphertext!));
        Assert.Equal(access, tokens.AccessToken);
        Assert.Equal(refresh, tokens.RefreshToken);
        Assert.True(tokens.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(50));

        var (unknownExit, _, unknownErr) = await RunAsync(
            server.DataDir, $"{access}\n", "accounts", "add", "--name", "sub-2", "--type", "oauth", "--provider", "other", "--access-token", "-");
        Assert.NotEqual(0, unknownExit);
        Assert.Contains("oauth.provider", unknownErr, StringComparison.Ordinal);
        Assert.DoesNotContain(access, unknownErr, StringComparison.Ordinal);
    }
}
