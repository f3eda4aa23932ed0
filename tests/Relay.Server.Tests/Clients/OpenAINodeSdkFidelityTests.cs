using System.Text.Json;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI TypeScript SDK (tests/clients/openai-sdk.mjs, run with node) talking DIRECTLY to
/// <see cref="FakeOpenAIUpstream"/>: its own stream helpers (<c>finalChatCompletion</c>, <c>finalResponse</c>) must
/// assemble the fake's chunks and events into what a user of the SDK sees.
/// </summary>
public sealed class OpenAINodeSdkFidelityTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-2024-08-06";
    private const string Key = "sk-proj-fakeNodeKey0123456789abcdefQRST";
    private FakeOpenAIUpstream _fake = null!;

    public async Task InitializeAsync()
    {
        NodeClients.RequireInstalled();
        _fake = await FakeOpenAIUpstream.StartAsync();
    }

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Chat_stream_helper_gets_text_and_usage()
    {
        var json = await RunAsync("chat-stream", "ok");

        Assert.Equal(OpenAITranscripts.ChatText, json.GetProperty("text").GetString());
        Assert.Equal(OpenAITranscripts.ChatText, json.GetProperty("streamedText").GetString());
        Assert.Equal("stop", json.GetProperty("finishReason").GetString());
        Assert.Equal(Model, json.GetProperty("model").GetString());
        Assert.Equal(OpenAITranscripts.ChatTextPromptTokens, json.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(OpenAITranscripts.ChatTextStream.Choices.Count + 1, json.GetProperty("chunks").GetInt32());
        Assert.Equal("Bearer " + Key, Assert.Single(_fake.Requests("ok")).Header("authorization"));
    }

    [Fact]
    public async Task Chat_tool_loop_streamed_assembles_both_parallel_calls_and_sends_both_results_back()
    {
        var json = await RunAsync("chat-tools-stream", "tools");

        Assert.Equal(2, json.GetProperty("turns").GetInt32());
        Assert.Equal(OpenAITranscripts.ChatText, json.GetProperty("text").GetString());
        var calls = json.GetProperty("toolCalls").EnumerateArray().ToList();
        Assert.Equal([OpenAITranscripts.ToolCallId1, OpenAITranscripts.ToolCallId2], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Select(c => c.GetProperty("arguments").GetProperty("location").GetString()));

        // The second request carried the assistant's two tool calls and one tool message per call.
        var requests = _fake.Requests("tools");
        Assert.Equal(2, requests.Count);
        using var second = JsonDocument.Parse(requests[1].Body);
        var messages = second.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(2, messages[1].GetProperty("tool_calls").GetArrayLength());
        Assert.Equal([OpenAITranscripts.ToolCallId1, OpenAITranscripts.ToolCallId2], messages[2..].Select(m => m.GetProperty("tool_call_id").GetString()));
    }

    [Fact]
    public async Task Chat_reasoning_content_deltas_of_a_compatible_host_reach_the_sdk_user()
    {
        var json = await RunAsync("chat-reasoning", "reasoning");

        Assert.Equal(OpenAITranscripts.ChatReasoningThought, json.GetProperty("reasoning").GetString());
        Assert.Equal(OpenAITranscripts.ChatReasoningText, json.GetProperty("text").GetString());
        Assert.Equal(OpenAITranscripts.ChatReasoningTokens, json.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_error_mid_stream_is_thrown_by_the_sdk_after_the_partial_text()
    {
        var json = await RunAsync("chat-error-mid", "error-mid");

        Assert.True(json.GetProperty("threw").GetBoolean(), json.ToString());
        Assert.Equal(OpenAITranscripts.ChatErrorMidPartialText, json.GetProperty("partialText").GetString());
        Assert.Equal("server_error", json.GetProperty("errorType").GetString());
    }

    [Fact]
    public async Task Chat_429_is_a_rate_limit_error_with_status_code_and_retry_after()
    {
        var json = await RunAsync("chat-429", "429");

        Assert.True(json.GetProperty("threw").GetBoolean(), json.ToString());
        Assert.Equal(429, json.GetProperty("status").GetInt32());
        Assert.Equal("rate_limit_exceeded", json.GetProperty("code").GetString());
        Assert.Equal("RateLimitError", json.GetProperty("errorName").GetString());
        Assert.Equal(FakeOpenAIUpstream.RetryAfterSeconds, json.GetProperty("retryAfter").GetString());
        Assert.Equal(1, _fake.Count("429"));
    }

    [Fact]
    public async Task Responses_stream_helper_gets_text_usage_and_events_in_order()
    {
        var json = await RunAsync("responses-stream", "ok");

        Assert.Equal(OpenAITranscripts.ResponsesText, json.GetProperty("text").GetString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal(Model, json.GetProperty("model").GetString());
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, json.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.GetProperty("seq").GetInt32()));
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
             "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Responses_tool_loop_streamed_gets_both_function_calls_and_sends_their_outputs_back()
    {
        var json = await RunAsync("responses-tools", "tools");

        Assert.Equal(2, json.GetProperty("turns").GetInt32());
        Assert.Equal(OpenAITranscripts.ResponsesText, json.GetProperty("text").GetString());
        var calls = json.GetProperty("toolCalls").EnumerateArray().ToList();
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], calls.Select(c => c.GetProperty("callId").GetString()));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Select(c => c.GetProperty("arguments").GetProperty("location").GetString()));

        var requests = _fake.Requests("tools");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("/v1/responses", r.Path));
        using var second = JsonDocument.Parse(requests[1].Body);
        var outputs = second.RootElement.GetProperty("input").EnumerateArray()
            .Where(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output").ToList();
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], outputs.Select(o => o.GetProperty("call_id").GetString()));
    }

    [Fact]
    public async Task Responses_reasoning_item_keeps_the_final_encrypted_content_and_summary()
    {
        var json = await RunAsync("responses-reasoning", "reasoning");

        Assert.Equal(OpenAITranscripts.ReasoningText, json.GetProperty("text").GetString());
        var reasoning = json.GetProperty("reasoning");
        Assert.Equal(OpenAITranscripts.ReasoningItemId, reasoning.GetProperty("id").GetString());
        Assert.Equal(OpenAITranscripts.EncryptedReasoning, reasoning.GetProperty("encrypted_content").GetString());
        Assert.Equal(OpenAITranscripts.ReasoningSummary, reasoning.GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.Equal(OpenAITranscripts.ResponsesReasoningTokens, json.GetProperty("usage").GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Contains(json.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "response.reasoning_summary_text.delta");
    }

    private async Task<JsonElement> RunAsync(string mode, string prefix)
    {
        var run = await NodeClients.RunOpenAISdkAsync(mode, _fake.BaseUrl(prefix) + "/v1", Key, new Dictionary<string, string> { ["RELAY_MODEL"] = Model });
        return AnthropicSdkClientTests.Succeeded(run);
    }
}
