using System.Globalization;
using System.Text;
using Relay.Server.Tests.Infrastructure;
using Relay.Server.Tests.Proxy;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The real Codex CLI (<c>codex exec</c>) through Relay on ChatGPT subscription accounts of the built-in
/// <c>chatgpt</c> provider, every endpoint pointed at <see cref="FakeOAuthProvider"/> and each account signed in through
/// the Control API (start, the authorize server's 302 to the callback URL pasted whole, complete), so its ChatGPT account
/// id is the one the sign-in's id token names. The fake OpenAI upstream plays the Codex backend
/// (<c>…/backend-api/codex/responses</c>): only the sign-in's current token with the right <c>chatgpt-account-id</c>.
/// </summary>
public sealed class CodexSubscriptionTests
{
    private const string InvalidGrantReason = "sign-in expired: refresh token was rejected (invalid_grant); sign in again";

    [Fact]
    public async Task Codex_exec_answers_on_a_chatgpt_subscription_with_the_account_id_and_its_own_originator()
    {
        await using var bed = await Bed.StartAsync();
        var prefix = "codex-sub";
        bed.OpenAI.PlayCodexBackend(prefix, bed.OAuth.IsValidAccessToken, () => "acct-main");
        var (accountId, access) = await SubscriptionAccounts.AddChatGptAsync(bed.Relay, bed.OAuth, prefix, bed.OpenAI.BaseUrl(prefix), "acct-main");
        using var codex = new CodexHome(bed.Relay.Url + "/v1", bed.Key.Key);

        var run = await codex.ExecAsync("Say hello");

        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        Assert.Contains(OpenAITranscripts.ResponsesText, run.StdOut, StringComparison.Ordinal);
        var call = Assert.Single(bed.OpenAI.Requests(prefix), r => r.Method == "POST");
        Assert.Equal(FakeOpenAIUpstream.CodexBackendPath + "/responses", call.Path);
        Assert.True(call.Stream);
        Assert.Equal("Bearer " + access, call.Header("authorization"));
        Assert.Equal("acct-main", call.Header("chatgpt-account-id"));
        Assert.DoesNotContain(bed.Key.Key, string.Join("\n", call.Headers.Values), StringComparison.Ordinal);

        // Codex's own identity passes unchanged: Relay's originator is only for clients that send none.
        Assert.Equal("codex_exec", call.Header("originator"));
        Assert.StartsWith("codex_exec/", call.Header("user-agent"), StringComparison.Ordinal);

        var usage = Assert.Single(await bed.Relay.WaitForUsageAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal(accountId, usage.AccountId);
        Assert.Equal(200, usage.Status);
        Assert.True(usage.Tokens.Output > 0);
        var status = (await SubscriptionAccounts.ViewAsync(bed.Relay, bed.OAuth, accountId))["status"]!.AsObject();
        Assert.Equal("active", status["state"]!.GetValue<string>());
        Assert.Contains(status["usageWindows"]!.AsArray(), w => w!["window"]!.GetValue<string>() == "5h" && w["utilization"]!.GetValue<double>() == 0.21);
    }

    [Fact]
    public async Task A_revoked_sign_in_puts_its_account_in_error_with_the_reason_and_codex_is_answered_by_a_second_chatgpt_account()
    {
        await using var bed = await Bed.StartAsync();
        const string revoked = "codex-revoked", second = "codex-second";
        bed.OpenAI.PlayCodexBackend(revoked, bed.OAuth.IsValidAccessToken, () => "acct-a");
        bed.OpenAI.PlayCodexBackend(second, bed.OAuth.IsValidAccessToken, () => "acct-b");

        // The first sign-in's token expires at once; the second sign-in replaces it at the provider, which then revokes
        // the refresh tokens too: the first account cannot be refreshed, the second has a valid token for an hour.
        bed.OAuth.AccessTokenLifetime = TimeSpan.Zero;
        var (revokedId, _) = await SubscriptionAccounts.AddChatGptAsync(bed.Relay, bed.OAuth, revoked, bed.OpenAI.BaseUrl(revoked), "acct-a", priority: 1);
        bed.OAuth.AccessTokenLifetime = TimeSpan.FromHours(1);
        var (secondId, secondAccess) = await SubscriptionAccounts.AddChatGptAsync(bed.Relay, bed.OAuth, second, bed.OpenAI.BaseUrl(second), "acct-b", priority: 90);
        bed.OAuth.Revoke();
        using var codex = new CodexHome(bed.Relay.Url + "/v1", bed.Key.Key);

        var run = await codex.ExecAsync("Say hello");

        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        Assert.Contains(OpenAITranscripts.ResponsesText, run.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, bed.OpenAI.Count(revoked));
        var call = Assert.Single(bed.OpenAI.Requests(second), r => r.Method == "POST");
        Assert.Equal("Bearer " + secondAccess, call.Header("authorization"));
        Assert.Equal("acct-b", call.Header("chatgpt-account-id"));

        var failed = await bed.Relay.GetAccountAsync(revokedId);
        Assert.Equal("error", failed.State);
        Assert.Equal(InvalidGrantReason, failed.Reason);
        var view = await SubscriptionAccounts.ViewAsync(bed.Relay, bed.OAuth, revokedId);
        Assert.Equal(InvalidGrantReason, view["oauth"]!["refreshError"]!.GetValue<string>());
        Assert.Equal("active", (await bed.Relay.GetAccountAsync(secondId)).State);
        var usage = Assert.Single(await bed.Relay.WaitForUsageAsync(1, TimeSpan.FromSeconds(15)));
        Assert.Equal(secondId, usage.AccountId);
        Assert.Equal(2, usage.Attempts);
    }

    /// <summary>The OAuth provider, the OpenAI fake, a relay whose chatgpt provider refreshes at the fake, and a key.</summary>
    private sealed class Bed : IAsyncDisposable
    {
        private Bed(FakeOAuthProvider oauth, FakeOpenAIUpstream openai, RelayServer relay, IssuedKey key)
        {
            OAuth = oauth;
            OpenAI = openai;
            Relay = relay;
            Key = key;
        }

        public FakeOAuthProvider OAuth { get; }
        public FakeOpenAIUpstream OpenAI { get; }
        public RelayServer Relay { get; }
        public IssuedKey Key { get; }

        public static async Task<Bed> StartAsync()
        {
            NodeClients.RequireInstalled();
            var oauth = await FakeOAuthProvider.StartAsync();
            var openai = await FakeOpenAIUpstream.StartAsync();
            var relay = await RelayServer.StartAsync(new RelayServerOptions { Settings = new Dictionary<string, string>(oauth.Settings("chatgpt")) });
            return new Bed(oauth, openai, relay, await relay.CreateKeyAsync("codex"));
        }

        public async ValueTask DisposeAsync()
        {
            SubscriptionAccounts.RegisterSecrets(Relay, OAuth);
            var leaks = Relay.LogLinesWithSecrets();
            await Relay.DisposeAsync();
            await OpenAI.DisposeAsync();
            await OAuth.DisposeAsync();
            Assert.True(leaks.Count == 0, "Secrets in log lines:\n" + string.Join("\n", leaks.Select(l => l.Line.ToString())));
        }
    }

    /// <summary>A temporary HOME with a CODEX_HOME whose config.toml names the relay as the model provider.</summary>
    private sealed class CodexHome : IDisposable
    {
        private const string KeyVariable = "RELAY_API_KEY";
        private readonly string _key;
        private readonly string _home = Directory.CreateTempSubdirectory("relay-codex-sub-home-").FullName;
        private readonly string _codexDir;

        public CodexHome(string baseUrl, string key)
        {
            _key = key;
            _codexDir = Directory.CreateDirectory(Path.Combine(_home, ".codex")).FullName;
            var config = new StringBuilder()
                .AppendLine("model = \"gpt-5\"")
                .AppendLine("model_provider = \"relay\"")
                .AppendLine("check_for_update_on_startup = false")
                .AppendLine()
                .AppendLine("[analytics]")
                .AppendLine("enabled = false")
                .AppendLine()
                .AppendLine("[model_providers.relay]")
                .AppendLine("name = \"Relay\"")
                .AppendLine(CultureInfo.InvariantCulture, $"base_url = \"{baseUrl}\"")
                .AppendLine(CultureInfo.InvariantCulture, $"env_key = \"{KeyVariable}\"")
                .AppendLine("wire_api = \"responses\"")
                .ToString();
            File.WriteAllText(Path.Combine(_codexDir, "config.toml"), config);
        }

        public Task<ClientRun> ExecAsync(string prompt)
        {
            var work = Directory.CreateDirectory(Path.Combine(_home, "work")).FullName;
            var tmp = Directory.CreateDirectory(Path.Combine(_home, "tmp")).FullName;
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = _home,
                ["TMPDIR"] = tmp,
                ["CODEX_HOME"] = _codexDir,
                [KeyVariable] = _key,
                ["NO_COLOR"] = "1",
            };
            string[] args = [NodeClients.CodexLauncher, "exec", "--skip-git-repo-check", prompt];
            return NodeClients.RunAsync("node", args, env, work, NodeClients.DefaultTimeout);
        }

        public void Dispose() => NodeClients.TryDelete(_home);
    }
}
