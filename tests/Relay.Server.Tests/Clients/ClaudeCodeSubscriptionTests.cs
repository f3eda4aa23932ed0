using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;
using Relay.Server.Tests.Proxy;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The real Claude Code CLI (<c>claude -p</c>) through Relay on a Claude subscription account of the built-in
/// <c>claude</c> provider, every endpoint pointed at <see cref="FakeOAuthProvider"/> and the account signed in through
/// the Control API (start, the authorize page's <c>CODE#STATE</c>, complete), so the refresh speaks Claude's JSON.
/// The fake Anthropic upstream accepts only the sign-in's current access token with <c>oauth-2025-04-20</c> in
/// <c>anthropic-beta</c>, refuses anything but Claude Code as the real API does, and reports usage windows.
/// </summary>
public sealed class ClaudeCodeSubscriptionTests
{
    private const string Prefix = "claude-sub";

    [Fact]
    public async Task Claude_code_answers_on_a_claude_subscription_with_its_request_untouched_but_for_the_bearer_and_beta_and_survives_an_expired_token()
    {
        NodeClients.RequireInstalled();
        await using var oauth = await FakeOAuthProvider.StartAsync();
        await using var upstream = await FakeAnthropicUpstream.StartAsync();
        await using var relay = await RelayServer.StartAsync(new RelayServerOptions { Settings = new Dictionary<string, string>(oauth.Settings("claude")) });
        try
        {
            upstream.PlayClaudeSubscription(Prefix, oauth.IsValidAccessToken);
            var (accountId, access) = await SubscriptionAccounts.AddClaudeAsync(relay, oauth, Prefix, upstream.BaseUrl(Prefix));
            var key = await relay.CreateKeyAsync("claude-code");
            using (var settings = await relay.Admin.PatchAsJsonAsync("api/settings", new { logContent = true }))
            {
                Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());
            }

            using var session = new ClaudeSession(relay.Url, key.Key);

            var first = await session.RunAsync("Say hello", "--session-id", session.Id);

            Assert.True(first.ExitCode == 0 && !first.TimedOut, first.Describe());
            Assert.Equal(UpstreamTranscripts.TextText, first.StdOut.Trim());
            var call = Assert.Single(upstream.Requests(Prefix), r => r.Path == "/v1/messages");
            Assert.Equal("Bearer " + access, call.Header("authorization"));
            Assert.Null(call.Header("x-api-key"));
            Assert.DoesNotContain(key.Key, string.Join("\n", call.Headers.Values), StringComparison.Ordinal);

            // Claude Code's own beta flags, in its order, then the provider's: one header, the flag once.
            var betas = call.Header("anthropic-beta")!.Split(',');
            Assert.Contains("claude-code-20250219", betas);
            Assert.Equal(FakeAnthropicUpstream.OAuthBeta, betas[^1]);
            Assert.Single(betas, b => b == FakeAnthropicUpstream.OAuthBeta);
            Assert.Equal(betas.Length, betas.Distinct(StringComparer.Ordinal).Count());

            // Claude Code's identity and prompt are its own: its user agent, its system prompt, its body byte for byte.
            Assert.StartsWith("claude-cli/", call.Header("user-agent"), StringComparison.Ordinal);
            Assert.Equal("cli", call.Header("x-app"));
            Assert.True(FakeAnthropicUpstream.IsClaudeCodeRequest(call), "the upstream did not see Claude Code's own system prompt");
            var usage = await relay.WaitForUsageAsync(1, TimeSpan.FromSeconds(15));
            var received = Assert.Single(usage, u => u.Stream).Content;
            Assert.NotNull(received);
            Assert.False(received.RequestTruncated);
            Assert.True(received.Request.Span.SequenceEqual(call.Body), "the body Claude Code sent was changed on its way upstream");

            // The provider replaces the access token: the next run gets a 401, refreshes once, and is answered.
            oauth.RotateAccessToken();
            var second = await session.RunAsync("Say hello again", "--resume", session.Id);

            Assert.True(second.ExitCode == 0 && !second.TimedOut, second.Describe());
            Assert.Equal(UpstreamTranscripts.TextText, second.StdOut.Trim());
            Assert.Equal(1, oauth.RefreshCalls);
            Assert.Equal("application/json", oauth.LastContentType);
            Assert.Equal("refresh_token", oauth.LastForm["grant_type"]);
            var calls = upstream.Requests(Prefix).Where(r => r.Path == "/v1/messages").ToList();
            Assert.Equal("Bearer " + oauth.CurrentAccessToken, calls[^1].Header("authorization"));
            Assert.All(calls, c => Assert.Equal(call.Header("anthropic-beta"), c.Header("anthropic-beta")));

            // The account is well and shows the subscription's usage windows.
            var view = await SubscriptionAccounts.ViewAsync(relay, oauth, accountId);
            var status = view["status"]!.AsObject();
            Assert.Equal("active", status["state"]!.GetValue<string>());
            var windows = status["usageWindows"]!.AsArray().Select(w => (w!["window"]!.GetValue<string>(), w["utilization"]!.GetValue<double>())).ToList();
            Assert.Contains(("5h", 0.21), windows);
            Assert.Contains(("7d", 0.43), windows);
        }
        finally
        {
            SubscriptionAccounts.RegisterSecrets(relay, oauth);
            var leaks = relay.LogLinesWithSecrets();
            Assert.True(leaks.Count == 0, "Secrets in log lines:\n" + string.Join("\n", leaks.Select(l => l.Line.ToString())));
        }
    }

    /// <summary>A temporary HOME (Claude Code keeps its sessions there) and working directory for one conversation.</summary>
    private sealed class ClaudeSession(string relayUrl, string relayKey) : IDisposable
    {
        private readonly string _home = Directory.CreateTempSubdirectory("relay-claude-sub-home-").FullName;

        public string Id { get; } = Guid.NewGuid().ToString();

        public Task<ClientRun> RunAsync(string prompt, params string[] extraArgs)
        {
            var (fileName, prefixArgs) = NodeClients.ClaudeCommand();
            var work = Directory.CreateDirectory(Path.Combine(_home, "work")).FullName;
            var tmp = Directory.CreateDirectory(Path.Combine(_home, "tmp")).FullName;
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = _home,
                ["TMPDIR"] = tmp,
                ["ANTHROPIC_BASE_URL"] = relayUrl,
                ["ANTHROPIC_API_KEY"] = relayKey,
                ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            };
            string[] args = [.. prefixArgs, "-p", prompt, .. extraArgs];
            return NodeClients.RunAsync(fileName, args, env, work, NodeClients.DefaultTimeout);
        }

        public void Dispose() => NodeClients.TryDelete(_home);
    }
}
