using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The real Claude Code CLI (<c>claude -p</c>, from the pinned npm package) pointed at the relay with a relay key,
/// in its own temporary HOME and with non-essential traffic off, so its only network peer is the relay.
/// </summary>
public sealed class ClaudeCodeClientTests
{
    [Fact]
    public async Task Claude_code_print_mode_shows_the_scripted_answer_through_the_relay()
    {
        await using var bed = await ClientTestBed.StartAsync("ok");
        using var session = new ClaudeSession(bed);

        var run = await session.RunAsync("Say hello", "--session-id", session.Id);

        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        Assert.Equal(UpstreamTranscripts.TextText, run.StdOut.Trim());

        // Everything Claude Code sent reached the upstream as a streamed beta Messages call, headers and body intact.
        var requests = bed.Upstream.Requests("ok");
        Assert.NotEmpty(requests);
        var messages = requests.Where(r => r.Path == "/v1/messages").ToList();
        var call = Assert.Single(messages);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/v1/messages?beta=true", call.PathAndQuery);
        Assert.True(call.Stream);
        var beta = call.Headers.GetValueOrDefault("anthropic-beta") ?? string.Empty;
        Assert.Contains("claude-code-20250219", beta, StringComparison.Ordinal);
        Assert.Contains("interleaved-thinking-2025-05-14", beta, StringComparison.Ordinal);
        Assert.Equal("2023-06-01", call.Headers.GetValueOrDefault("anthropic-version"));
        Assert.Equal("cli", call.Headers.GetValueOrDefault("x-app"));
        Assert.StartsWith("claude-cli/", call.Headers.GetValueOrDefault("user-agent") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(session.Id, call.Headers.GetValueOrDefault("x-claude-code-session-id"));
        AnthropicSdkClientTests.AssertRelayKeyNotForwarded(bed, call);
        Assert.Equal(session.Id, SessionIdInMetadata(call));
        Assert.All(requests, r => Assert.False(r.Path != "/v1/messages" && r.Path != "/v1/messages/count_tokens", $"unexpected upstream call {r.Method} {r.PathAndQuery}"));

        var usage = await bed.UsageAsync(messages.Count);
        var streamed = Assert.Single(usage, u => u.Stream);
        Assert.Equal(bed.Key.Id, streamed.KeyId);
        Assert.Equal(bed.Accounts["ok"].Id, streamed.AccountId);
        Assert.Equal(200, streamed.Status);
        Assert.Equal(call.Model, streamed.RequestedModel);
        Assert.Equal(25, streamed.Tokens.Input);
        Assert.Equal(15, streamed.Tokens.Output);
    }

    [Fact]
    public async Task A_key_restricted_to_claude_code_admits_the_real_claude_code_and_refuses_other_clients()
    {
        await using var bed = await ClientTestBed.StartAsync("ok");
        await bed.Relay.SetKeyPolicyAsync(bed.Key.Id, new Relay.Core.Policies.KeyPolicy([], Relay.Core.Policies.ModelRules.Any, [Relay.Core.Policies.ClientFamilies.ClaudeCode]));
        using var session = new ClaudeSession(bed);

        var run = await session.RunAsync("Say hello", "--session-id", session.Id);

        Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
        Assert.Equal(UpstreamTranscripts.TextText, run.StdOut.Trim());

        // The same key from curl's User-Agent is refused before anything reaches the upstream.
        var before = bed.Upstream.Requests("ok").Count;
        using var curl = bed.Relay.CreateClient(bed.Key.Key);
        using var request = Requests.Post("/v1/messages", Requests.Messages());
        request.Headers.UserAgent.ParseAdd("curl/8.5.0");
        using var refused = await curl.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, bed.Upstream.Requests("ok").Count);
    }

    [Fact]
    public async Task Claude_code_turns_of_one_session_stick_to_one_of_two_equal_accounts()
    {
        await using var bed = await ClientTestBed.StartAsync("ok-a", "ok-b");
        using var session = new ClaudeSession(bed);

        // Turn 1 names the session; turns 2 and 3 resume it (same HOME, same working directory).
        var runs = new List<ClientRun>
        {
            await session.RunAsync("Say hello", "--session-id", session.Id),
            await session.RunAsync("Say hello again", "--resume", session.Id),
            await session.RunAsync("And once more", "--resume", session.Id),
        };
        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0 && !run.TimedOut, run.Describe());
            Assert.Equal(UpstreamTranscripts.TextText, run.StdOut.Trim());
        }

        var calls = bed.Upstream.AllRequests.Where(r => r.Path == "/v1/messages").ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(session.Id, c.Headers.GetValueOrDefault("x-claude-code-session-id")));
        Assert.All(calls, c => Assert.Equal(session.Id, SessionIdInMetadata(c)));

        // The resumed turns carry the earlier conversation, so they really are later turns of one session.
        Assert.Contains("Say hello again", calls[2].BodyText, StringComparison.Ordinal);
        var prefixes = calls.Select(c => c.Prefix).Distinct().ToList();
        Assert.True(prefixes.Count == 1, "the session's turns went to " + string.Join(", ", calls.Select(c => c.Prefix)));

        var usage = await bed.UsageAsync(3);
        Assert.Single(usage.Select(u => u.AccountId).Distinct());
        Assert.Equal(bed.Accounts[prefixes[0]].Id, usage[0].AccountId);

        // Control: requests of other sessions do spread over both accounts, so the above is stickiness, not chance.
        using var client = bed.Relay.CreateClient(bed.Key.Key);
        for (var i = 0; i < 16; i++)
        {
            var userId = new JsonObject { ["device_id"] = "d", ["account_uuid"] = string.Empty, ["session_id"] = Guid.NewGuid().ToString() }.ToJsonString();
            var body = new JsonObject
            {
                ["model"] = "claude-sonnet-5",
                ["max_tokens"] = 16,
                ["metadata"] = new JsonObject { ["user_id"] = userId },
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"other session {i}" }),
            };
            using var response = await client.PostAsJsonAsync("v1/messages", body);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.True(bed.Upstream.Count("ok-a") > 0 && bed.Upstream.Count("ok-b") > 0,
            $"16 other sessions all went to one account (ok-a {bed.Upstream.Count("ok-a")}, ok-b {bed.Upstream.Count("ok-b")})");
    }

    private static string? SessionIdInMetadata(UpstreamRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var userId = body.RootElement.GetProperty("metadata").GetProperty("user_id").GetString()!;
        using var inner = JsonDocument.Parse(userId);
        return inner.RootElement.GetProperty("session_id").GetString();
    }

    /// <summary>A temporary HOME (Claude Code keeps its sessions there) and working directory for one conversation.</summary>
    private sealed class ClaudeSession(ClientTestBed bed) : IDisposable
    {
        private readonly string _home = Directory.CreateTempSubdirectory("relay-claude-home-").FullName;

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
                ["ANTHROPIC_BASE_URL"] = bed.BaseUrl,
                ["ANTHROPIC_API_KEY"] = bed.Key.Key,
                ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            };
            string[] args = [.. prefixArgs, "-p", prompt, .. extraArgs];
            return NodeClients.RunAsync(fileName, args, env, work, NodeClients.DefaultTimeout);
        }

        public void Dispose() => NodeClients.TryDelete(_home);
    }
}
