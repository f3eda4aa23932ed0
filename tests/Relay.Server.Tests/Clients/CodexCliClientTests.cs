using System.Globalization;
using System.Text;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The real Codex CLI (<c>codex exec</c>, from the pinned npm package <c>@openai/codex</c>) pointed at the relay as a
/// custom model provider (<c>wire_api = "responses"</c>) with a relay key, in its own temporary HOME and CODEX_HOME,
/// so its only network peer is the relay. Served once by a Claude account (Responses ⇄ Messages translation) and once
/// by an OpenAI account serving Responses (passed through).
/// </summary>
public sealed class CodexCliClientTests
{
    private const string ErrorClassUpstreamCut = "upstream_cut";

    [Theory]
    [InlineData(UpstreamKind.Claude)]
    [InlineData(UpstreamKind.OpenAI)]
    public async Task Codex_exec_prints_the_scripted_answer_through_the_relay(UpstreamKind kind)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "ok");
        var (model, expectedText, expectedPath, platform) = kind == UpstreamKind.Claude
            ? ("claude-sonnet-4-5", UpstreamTranscripts.TextText, "/v1/messages", "anthropic")
            : ("gpt-5", OpenAITranscripts.ResponsesText, "/v1/responses", "openai");
        using var codex = new CodexHome(bed, model);

        var run = await codex.ExecAsync("Say hello");

        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        Assert.Contains(expectedText, run.StdOut, StringComparison.Ordinal);

        // Exactly one model call reached the upstream, in the account's own shape: Codex retries a stream that ends
        // before response.completed (and a failed request), so a second call here would mean Relay's stream was wrong.
        var requests = bed.Requests("ok");
        var calls = requests.Where(r => r.Method == "POST").ToList();
        var call = Assert.Single(calls);
        Assert.Equal(expectedPath, call.Path);
        Assert.True(call.Stream);
        bed.AssertCredentials(call);
        Assert.All(requests, r => Assert.True(r == call || r.Path.EndsWith("/models", StringComparison.Ordinal), $"unexpected upstream call {r.Method} {r.PathAndQuery}"));
        using (var body = JsonDocument.Parse(call.Body))
        {
            Assert.Equal(model, body.RootElement.GetProperty("model").GetString());
            Assert.Contains("Say hello", call.BodyText, StringComparison.Ordinal);
            if (kind == UpstreamKind.OpenAI)
            {
                // Passed through: Codex's own Responses request, tools and all.
                Assert.True(body.RootElement.GetProperty("tools").GetArrayLength() > 0);
                Assert.Equal("codex_exec", call.Header("originator"));
            }
            else
            {
                // Translated: an Anthropic Messages request with a max_tokens and Codex's tools as Anthropic tools,
                // those of its multi_agent_v1 namespace flattened (hosted web search left out).
                Assert.True(body.RootElement.GetProperty("max_tokens").GetInt32() > 0);
                var tools = body.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
                Assert.Contains("exec_command", tools);
                Assert.Contains(tools, t => t!.StartsWith("multi_agent_v1__", StringComparison.Ordinal));
                Assert.Equal("2023-06-01", call.Header("anthropic-version"));
            }
        }

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.Equal(accountId, usage.AccountId);
        Assert.Equal(platform, usage.Platform);
        Assert.True(usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Null(usage.ErrorClass);
        Assert.Equal(model, usage.RequestedModel);
        Assert.True(usage.Tokens.Output > 0);
    }

    /// <summary>
    /// The control for the "exactly one upstream call" assertion above: a stream that ends before
    /// <c>response.completed</c> makes Codex reconnect (here once, <c>stream_max_retries = 1</c>, to keep it quick), so
    /// the upstream sees a second call, and Codex fails rather than printing half an answer.
    /// </summary>
    [Theory]
    [InlineData(UpstreamKind.Claude)]
    [InlineData(UpstreamKind.OpenAI)]
    public async Task Codex_exec_retries_a_stream_cut_mid_answer_and_then_fails_so_a_retry_would_show_upstream(UpstreamKind kind)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "cut");
        using var codex = new CodexHome(bed, kind == UpstreamKind.Claude ? "claude-sonnet-4-5" : "gpt-5", streamMaxRetries: 1);

        var run = await codex.ExecAsync("Say hello");

        Assert.False(run.TimedOut, run.Describe());
        Assert.True(run.ExitCode != 0, "Codex treated a cut stream as a finished answer\n" + run.Describe());
        Assert.Contains("stream disconnected before completion", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, bed.Requests("cut").Count(r => r.Method == "POST"));

        // Each cut answer is recorded as such. (The cut cools the only account, so a retry in between may be refused
        // by the relay with a 502 before reaching the upstream; Codex retries that too.)
        List<Relay.Core.Usage.UsageEvent> served = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(15); served.Count < 2 && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            served = [.. (await bed.Relay.UsageEventsAsync()).Where(u => u.AccountId == accountId)];
        }

        Assert.Equal(2, served.Count);
        Assert.All(served, u => Assert.Equal(ErrorClassUpstreamCut, u.ErrorClass));
    }

    /// <summary>A temporary HOME with a CODEX_HOME whose config.toml names the relay as the model provider.</summary>
    private sealed class CodexHome : IDisposable
    {
        private const string KeyVariable = "RELAY_API_KEY";
        private readonly OpenAIClientTestBed _bed;
        private readonly string _home = Directory.CreateTempSubdirectory("relay-codex-home-").FullName;

        /// <param name="streamMaxRetries">The provider's <c>stream_max_retries</c>; null keeps Codex's default (5).</param>
        public CodexHome(OpenAIClientTestBed bed, string model, int? streamMaxRetries = null)
        {
            _bed = bed;
            CodexDir = Directory.CreateDirectory(Path.Combine(_home, ".codex")).FullName;
            var config = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"model = \"{model}\"")
                .AppendLine("model_provider = \"relay\"")
                .AppendLine("check_for_update_on_startup = false")
                .AppendLine()
                .AppendLine("[analytics]")
                .AppendLine("enabled = false")
                .AppendLine()
                .AppendLine("[model_providers.relay]")
                .AppendLine("name = \"Relay\"")
                .AppendLine(CultureInfo.InvariantCulture, $"base_url = \"{bed.OpenAIBaseUrl}\"")
                .AppendLine(CultureInfo.InvariantCulture, $"env_key = \"{KeyVariable}\"")
                .AppendLine("wire_api = \"responses\"")
                .AppendLine(streamMaxRetries is { } retries ? string.Create(CultureInfo.InvariantCulture, $"stream_max_retries = {retries}") : string.Empty)
                .ToString();
            File.WriteAllText(Path.Combine(CodexDir, "config.toml"), config);
        }

        public string CodexDir { get; }

        public Task<ClientRun> ExecAsync(string prompt)
        {
            var work = Directory.CreateDirectory(Path.Combine(_home, "work")).FullName;
            var tmp = Directory.CreateDirectory(Path.Combine(_home, "tmp")).FullName;
            var env = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = _home,
                ["TMPDIR"] = tmp,
                ["CODEX_HOME"] = CodexDir,
                [KeyVariable] = _bed.Key.Key,
                ["NO_COLOR"] = "1",
            };
            string[] args = [NodeClients.CodexLauncher, "exec", "--skip-git-repo-check", prompt];
            return NodeClients.RunAsync("node", args, env, work, NodeClients.DefaultTimeout);
        }

        public void Dispose() => NodeClients.TryDelete(_home);
    }
}
