using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI TypeScript SDK (npm <c>openai</c>, tests/clients/openai-sdk.mjs run with node) pointed at the
/// relay's <c>/v1</c> with a relay key. Every case runs twice: served by a Claude account (Chat ⇄ Messages translation,
/// scripted by <see cref="FakeAnthropicUpstream"/>) and by an OpenAI account (passed through, scripted by
/// <see cref="FakeOpenAIUpstream"/>). Asserts what the SDK user sees and what the relay recorded.
/// </summary>
public sealed class OpenAINodeSdkThroughRelayTests
{
    /// <summary>What each upstream's scripted answers look like to a Chat Completions client.</summary>
    private sealed record Expected(
        string Platform,
        string Path,
        string Text,
        int InputTokens,
        int OutputTokens,
        string[] ToolCallIds,
        int ToolInputTokens,
        int ToolOutputTokens,
        string? ToolTurnText);

    private static Expected For(UpstreamKind kind) => kind == UpstreamKind.Claude
        ? new("anthropic", "/v1/messages", UpstreamTranscripts.TextText, 25, 15,
            ["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], 472, 89, "Checking both cities.")
        : new("openai", "/v1/chat/completions", OpenAITranscripts.ChatText, OpenAITranscripts.ChatTextPromptTokens, OpenAITranscripts.ChatTextCompletionTokens,
            [OpenAITranscripts.ToolCallId1, OpenAITranscripts.ToolCallId2], OpenAITranscripts.ChatToolsPromptTokens, OpenAITranscripts.ChatToolsCompletionTokens, null);

    private static string ModelFor(UpstreamKind kind) => kind == UpstreamKind.Claude ? "claude-sonnet-4-5" : "gpt-4o";

    private static Task<ClientRun> RunAsync(OpenAIClientTestBed bed, UpstreamKind kind, string mode) =>
        NodeClients.RunOpenAISdkAsync(mode, bed.OpenAIBaseUrl, bed.Key.Key, new Dictionary<string, string> { ["RELAY_MODEL"] = ModelFor(kind) });

    [Theory]
    [InlineData(UpstreamKind.Claude)]
    [InlineData(UpstreamKind.OpenAI)]
    public async Task Chat_not_streamed_gets_the_text_finish_reason_and_usage_and_is_recorded_for_the_key(UpstreamKind kind)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "ok");
        var expected = For(kind);

        var json = AnthropicSdkClientTests.Succeeded(await RunAsync(bed, kind, "chat"));

        Assert.Equal(expected.Text, json.GetProperty("text").GetString());
        Assert.Equal("stop", json.GetProperty("finishReason").GetString());
        Assert.Equal(ModelFor(kind), json.GetProperty("model").GetString());
        Assert.Equal(expected.InputTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.OutputTokens, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected.InputTokens + expected.OutputTokens, json.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        var upstream = Assert.Single(bed.Requests("ok"));
        Assert.Equal(expected.Path, upstream.Path);
        Assert.False(upstream.Stream);
        bed.AssertCredentials(upstream);

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.Equal(accountId, usage.AccountId);
        Assert.Equal(expected.Platform, usage.Platform);
        Assert.False(usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Null(usage.ErrorClass);
        Assert.Equal(ModelFor(kind), usage.RequestedModel);
        Assert.Equal(expected.InputTokens, usage.Tokens.Input);
        Assert.Equal(expected.OutputTokens, usage.Tokens.Output);
    }

    [Theory]
    [InlineData(UpstreamKind.Claude)]
    [InlineData(UpstreamKind.OpenAI)]
    public async Task Chat_streamed_with_include_usage_gets_the_text_and_the_usage_chunk(UpstreamKind kind)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "ok");
        var expected = For(kind);

        var json = AnthropicSdkClientTests.Succeeded(await RunAsync(bed, kind, "chat-stream"));

        Assert.Equal(expected.Text, json.GetProperty("text").GetString());
        Assert.Equal(expected.Text, json.GetProperty("streamedText").GetString());
        Assert.Equal("stop", json.GetProperty("finishReason").GetString());
        Assert.Equal(ModelFor(kind), json.GetProperty("model").GetString());
        Assert.Equal(expected.InputTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.OutputTokens, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        if (kind == UpstreamKind.OpenAI)
        {
            // The client asked for usage itself, so the upstream's usage chunk is passed on, not hidden.
            Assert.Equal(OpenAITranscripts.ChatTextStream.Choices.Count + 1, json.GetProperty("chunks").GetInt32());
        }

        var upstream = Assert.Single(bed.Requests("ok"));
        Assert.Equal(expected.Path, upstream.Path);
        Assert.True(upstream.Stream);
        bed.AssertCredentials(upstream);

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.Equal(accountId, usage.AccountId);
        Assert.Equal(expected.Platform, usage.Platform);
        Assert.True(usage.Stream);
        Assert.Equal(200, usage.Status);
        Assert.Equal(expected.InputTokens, usage.Tokens.Input);
        Assert.Equal(expected.OutputTokens, usage.Tokens.Output);
    }

    [Theory]
    [InlineData(UpstreamKind.Claude, "chat-tools-stream")]
    [InlineData(UpstreamKind.OpenAI, "chat-tools-stream")]
    [InlineData(UpstreamKind.Claude, "chat-tools")]
    [InlineData(UpstreamKind.OpenAI, "chat-tools")]
    public async Task Tool_loop_gets_both_parallel_calls_sends_both_results_back_and_ends_with_the_text(UpstreamKind kind, string mode)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "tools");
        var expected = For(kind);
        var streamed = mode == "chat-tools-stream";

        var json = AnthropicSdkClientTests.Succeeded(await RunAsync(bed, kind, mode));

        // Turn 1: two parallel calls, whole (streamed: assembled by the SDK from the argument pieces), with their ids.
        Assert.Equal(2, json.GetProperty("turns").GetInt32());
        var turns = json.GetProperty("turnDetails").EnumerateArray().ToList();
        Assert.Equal("tool_calls", turns[0].GetProperty("finishReason").GetString());
        var calls = turns[0].GetProperty("toolCalls").EnumerateArray().ToList();
        Assert.Equal(expected.ToolCallIds, calls.Select(c => c.GetProperty("id").GetString()));
        Assert.All(calls, c => Assert.Equal("get_weather", c.GetProperty("name").GetString()));
        Assert.Equal(["San Francisco, CA", "Paris, France"],
            calls.Select(c => JsonDocument.Parse(c.GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString()));
        Assert.Equal(expected.ToolTurnText, turns[0].GetProperty("text").GetString());
        Assert.Equal(expected.ToolInputTokens, turns[0].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.ToolOutputTokens, turns[0].GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        // Turn 2: the tool results went back and the final text came.
        Assert.Equal("stop", turns[1].GetProperty("finishReason").GetString());
        Assert.Equal(expected.Text, json.GetProperty("text").GetString());
        Assert.Equal(expected.InputTokens, turns[1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(expected.OutputTokens, turns[1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var requests = bed.Requests("tools");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(expected.Path, r.Path));
        Assert.All(requests, r => Assert.Equal(streamed, r.Stream));
        Assert.All(requests, bed.AssertCredentials);
        using var second = JsonDocument.Parse(requests[1].Body);
        var messages = second.RootElement.GetProperty("messages").EnumerateArray().ToList();
        if (kind == UpstreamKind.Claude)
        {
            // Translated: the assistant turn with both tool_use blocks, then BOTH results in ONE user message.
            Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
            var uses = messages[1].GetProperty("content").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_use").ToList();
            Assert.Equal(expected.ToolCallIds, uses.Select(b => b.GetProperty("id").GetString()));
            Assert.Equal(["San Francisco, CA", "Paris, France"], uses.Select(b => b.GetProperty("input").GetProperty("location").GetString()));
            var results = messages[2].GetProperty("content").EnumerateArray().ToList();
            Assert.All(results, b => Assert.Equal("tool_result", b.GetProperty("type").GetString()));
            Assert.Equal(expected.ToolCallIds, results.Select(b => b.GetProperty("tool_use_id").GetString()));
            Assert.Contains("sunny", results[1].GetRawText(), StringComparison.Ordinal);
        }
        else
        {
            // Passed through: the SDK's own messages, one tool message per call.
            Assert.Equal(["user", "assistant", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
            Assert.Equal(expected.ToolCallIds, messages[2..].Select(m => m.GetProperty("tool_call_id").GetString()));
        }

        // One usage event per turn, for this key, account and platform.
        var usage = await bed.UsageAsync(2);
        Assert.All(usage, u => Assert.Equal(bed.Key.Id, u.KeyId));
        Assert.All(usage, u => Assert.Equal(accountId, u.AccountId));
        Assert.All(usage, u => Assert.Equal(expected.Platform, u.Platform));
        Assert.All(usage, u => Assert.Equal(streamed, u.Stream));
        Assert.Equal(expected.ToolInputTokens + expected.InputTokens, usage.Sum(u => u.Tokens.Input));
        Assert.Equal(expected.ToolOutputTokens + expected.OutputTokens, usage.Sum(u => u.Tokens.Output));
    }

    [Theory]
    [InlineData(UpstreamKind.Claude)]
    [InlineData(UpstreamKind.OpenAI)]
    public async Task An_upstream_cut_mid_stream_reaches_the_sdk_as_an_error_after_the_partial_text(UpstreamKind kind)
    {
        await using var bed = await OpenAIClientTestBed.StartAsync();
        var accountId = await bed.AddAccountAsync(kind, "cut");

        var json = AnthropicSdkClientTests.Succeeded(await RunAsync(bed, kind, "chat-error-mid"));

        // The SDK threw (an error event in the stream), rather than ending quietly as if the answer were complete.
        Assert.True(json.GetProperty("threw").GetBoolean(), json.ToString());
        Assert.Equal(kind == UpstreamKind.Claude ? "This answer will be" : "Hello", json.GetProperty("partialText").GetString());
        Assert.Equal("APIError", json.GetProperty("errorName").GetString());

        var upstream = Assert.Single(bed.Requests("cut"));
        Assert.True(upstream.Stream);

        var usage = Assert.Single(await bed.UsageAsync(1));
        Assert.Equal(bed.Key.Id, usage.KeyId);
        Assert.Equal(accountId, usage.AccountId);
        Assert.Equal(For(kind).Platform, usage.Platform);
        Assert.NotNull(usage.ErrorClass);
    }
}
