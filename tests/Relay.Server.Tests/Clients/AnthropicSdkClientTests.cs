using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official Anthropic TypeScript SDK (tests/clients/anthropic-sdk.mjs, run with node) talking to the real relay,
/// which forwards to the fake upstream. Asserts what the SDK parsed and what the relay recorded.
/// </summary>
public sealed class AnthropicSdkClientTests
{
    private const string Model = "claude-sonnet-5";

    [Fact]
    public async Task Sdk_message_non_streamed_gets_the_scripted_answer_and_usage_is_recorded_for_the_key()
    {
        await using var bed = await ClientTestBed.StartAsync("ok");

        var run = await NodeClients.RunSdkAsync("message", bed.BaseUrl, bed.Key.Key);

        var json = Succeeded(run);
        Assert.Equal(UpstreamTranscripts.TextText, json.GetProperty("text").GetString());
        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());
        Assert.Equal(Model, json.GetProperty("model").GetString());
        Assert.Equal(25, json.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(15, json.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var upstream = Assert.Single(bed.Upstream.Requests("ok"));
        Assert.Equal("POST", upstream.Method);
        Assert.Equal("/v1/messages", upstream.Path);
        Assert.False(upstream.Stream);
        AssertRelayKeyNotForwarded(bed, upstream);

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.Equal(bed.Accounts["ok"].Id, usage.AccountId);
        Assert.False(usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Null(usage.ErrorClass);
        Assert.Equal(Model, usage.RequestedModel);
        Assert.Equal(25, usage.Tokens.Input);
        Assert.Equal(15, usage.Tokens.Output);
        Assert.True(usage.Cost > 0, "a priced model must cost something");

        await AssertUsageReportAsync(bed, requests: 1, input: 25, output: 15);
    }

    [Fact]
    public async Task Sdk_stream_gets_the_scripted_text_and_usage_and_the_streamed_request_is_recorded()
    {
        await using var bed = await ClientTestBed.StartAsync("ok");

        var run = await NodeClients.RunSdkAsync("stream", bed.BaseUrl, bed.Key.Key);

        var json = Succeeded(run);
        Assert.Equal(UpstreamTranscripts.TextText, json.GetProperty("text").GetString());
        Assert.Equal(UpstreamTranscripts.TextText, json.GetProperty("streamedText").GetString());
        Assert.Equal("end_turn", json.GetProperty("stop_reason").GetString());

        // message_start carried input 25, message_delta the final output 15: the SDK merged both.
        Assert.Equal(25, json.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(15, json.GetProperty("usage").GetProperty("output_tokens").GetInt32());

        var upstream = Assert.Single(bed.Upstream.Requests("ok"));
        Assert.True(upstream.Stream);
        AssertRelayKeyNotForwarded(bed, upstream);

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.True(usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Equal(25, usage.Tokens.Input);
        Assert.Equal(15, usage.Tokens.Output);

        await AssertUsageReportAsync(bed, requests: 1, input: 25, output: 15);
    }

    [Theory]
    [InlineData("tools")]
    [InlineData("tools-stream")]
    public async Task Sdk_tool_loop_runs_both_parallel_tool_calls_and_gets_the_final_answer(string mode)
    {
        await using var bed = await ClientTestBed.StartAsync("tools");

        var run = await NodeClients.RunSdkAsync(mode, bed.BaseUrl, bed.Key.Key);

        var json = Succeeded(run);
        Assert.Equal(2, json.GetProperty("turns").GetInt32());
        Assert.Equal(UpstreamTranscripts.TextText, json.GetProperty("text").GetString());

        // Both tool_use blocks of the first answer arrived whole (streamed: assembled from input_json_delta pieces).
        var calls = json.GetProperty("toolCalls").EnumerateArray().ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("get_weather", c.GetProperty("name").GetString()));
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Select(c => c.GetProperty("input").GetProperty("location").GetString()));

        // The second request carried the assistant's tool_use turn and ONE user message with both results.
        var requests = bed.Upstream.Requests("tools");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(mode == "tools-stream", r.Stream));
        using var second = JsonDocument.Parse(requests[1].Body);
        var messages = second.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        var toolUses = messages[1].GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_use").ToList();
        Assert.Equal(["San Francisco, CA", "Paris, France"], toolUses.Select(b => b.GetProperty("input").GetProperty("location").GetString()));
        var results = messages[2].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], results.Select(b => b.GetProperty("tool_use_id").GetString()));
        Assert.All(results, b => Assert.Equal("tool_result", b.GetProperty("type").GetString()));
        Assert.Contains("sunny", results[1].GetProperty("content").GetString(), StringComparison.Ordinal);

        // One usage event per turn, with the tool turn's and the text turn's tokens.
        var usage = await bed.UsageAsync(2);
        Assert.Equal(2, usage.Count);
        Assert.All(usage, u => Assert.Equal(bed.Key.Id, u.KeyId));
        Assert.All(usage, u => Assert.Equal(mode == "tools-stream", u.Stream));
        Assert.Equal(472 + 25, usage.Sum(u => u.Tokens.Input));
        Assert.Equal(89 + 15, usage.Sum(u => u.Tokens.Output));

        await AssertUsageReportAsync(bed, requests: 2, input: 472 + 25, output: 89 + 15);
    }

    [Fact]
    public async Task Sdk_with_an_unknown_relay_key_gets_an_authentication_error_and_nothing_reaches_the_upstream()
    {
        await using var bed = await ClientTestBed.StartAsync("ok");

        var run = await NodeClients.RunSdkAsync("message", bed.BaseUrl, "cr_" + RelayServer.RandomToken(43));

        Assert.False(run.TimedOut, run.Describe());
        Assert.Equal(1, run.ExitCode);
        var json = run.Json;
        Assert.False(json.GetProperty("ok").GetBoolean(), run.Describe());
        Assert.Equal(401, json.GetProperty("status").GetInt32());
        Assert.Equal("authentication_error", json.GetProperty("errorType").GetString());
        Assert.Equal(0, bed.Upstream.Count("ok"));
    }

    internal static JsonElement Succeeded(ClientRun run)
    {
        Assert.False(run.TimedOut, "the client did not finish in time\n" + run.Describe());
        Assert.True(run.ExitCode == 0, "the client failed\n" + run.Describe());
        var json = run.Json;
        Assert.True(json.GetProperty("ok").GetBoolean(), run.Describe());
        return json;
    }

    internal static void AssertRelayKeyNotForwarded(ClientTestBed bed, UpstreamRequest upstream)
    {
        Assert.Equal(bed.Accounts[upstream.Prefix].Secret, upstream.Headers.GetValueOrDefault("x-api-key"));
        Assert.DoesNotContain(upstream.Headers.Values, v => v.Contains(bed.Key.Key, StringComparison.Ordinal));
    }

    internal static async Task AssertUsageReportAsync(ClientTestBed bed, long requests, long input, long output)
    {
        var report = await bed.Relay.GetUsageAsync("key");
        Assert.Equal(requests, report.Total.Requests);
        Assert.Equal(input, report.Total.InputTokens);
        Assert.Equal(output, report.Total.OutputTokens);
        var group = Assert.Single(report.Groups);
        Assert.Equal(requests, group.Totals.Requests);
        Assert.Equal(input, group.Totals.InputTokens);
        Assert.Equal(output, group.Totals.OutputTokens);
    }
}
