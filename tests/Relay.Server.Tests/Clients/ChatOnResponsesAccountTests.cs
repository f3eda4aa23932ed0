using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using Relay.Server.Tests.Infrastructure;

#pragma warning disable OPENAI001 // ReasoningEffortLevel is marked experimental in the OpenAI .NET SDK.

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI .NET SDK's <see cref="ChatClient"/> through the relay to an OpenAI account that serves only the
/// Responses API (<c>"shapes":["responses"]</c>): the Chat request is translated to Responses, the Responses answer
/// (streamed and not) back to Chat, usage recorded.
/// </summary>
public sealed class ChatOnResponsesAccountTests : IAsyncLifetime
{
    private const string Model = "gpt-5";
    private FakeOpenAIUpstream _openai = null!;
    private RelayServer _relay = null!;
    private IssuedKey _key = null!;

    public async Task InitializeAsync()
    {
        _openai = await FakeOpenAIUpstream.StartAsync();
        _relay = await RelayServer.StartAsync();
        _key = await _relay.CreateKeyAsync();
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _openai.DisposeAsync();
    }

    private async Task AddResponsesOnlyAccountAsync(string prefix, string? name = null)
    {
        var body = new JsonObject
        {
            ["name"] = name ?? prefix,
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = new JsonArray("responses"),
            ["secret"] = "sk-" + RelayServer.RandomToken(40),
        };
        using var response = await _relay.Admin.PostAsJsonAsync("api/accounts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private ChatClient Chat() =>
        new(Model, new ApiKeyCredential(_key.Key), new OpenAIClientOptions { Endpoint = new Uri(_relay.Url + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    [Fact]
    public async Task Streamed_text_arrives_as_chat_chunks_with_usage_and_the_upstream_gets_a_Responses_request()
    {
        await AddResponsesOnlyAccountAsync("ok");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Say hello")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal(OpenAITranscripts.ResponsesText, text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, usage.OutputTokenCount);

        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.Equal("/v1/responses", upstream.Path);
        using var sent = JsonDocument.Parse(upstream.Body);
        Assert.Equal("Be brief.", sent.RootElement.GetProperty("instructions").GetString());
        Assert.Equal("Say hello", sent.RootElement.GetProperty("input")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(sent.RootElement.GetProperty("store").GetBoolean());
        Assert.True(sent.RootElement.GetProperty("stream").GetBoolean());
        Assert.False(sent.RootElement.TryGetProperty("messages", out _));

        var recorded = Assert.Single(await _relay.WaitForUsageAsync(1));
        Assert.Equal("openai", recorded.Platform);
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, recorded.Tokens.Input);
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, recorded.Tokens.Output);
    }

    [Fact]
    public async Task Streamed_parallel_function_calls_reach_the_sdk_and_the_tool_loop_continues()
    {
        await AddResponsesOnlyAccountAsync("tools");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a place.", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")) },
        };
        List<ChatMessage> messages = [new UserChatMessage("Weather in SF and Paris?")];

        var calls = new Dictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync(messages, options))
        {
            finish ??= update.FinishReason;
            foreach (var part in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(part.Index, out var call))
                {
                    call = (part.ToolCallId, part.FunctionName, new StringBuilder());
                    calls[part.Index] = call;
                }

                call.Args.Append(part.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], calls.OrderBy(c => c.Key).Select(c => c.Value.Id));
        Assert.All(calls.Values, c => Assert.Equal("get_weather", c.Name));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.OrderBy(c => c.Key).Select(c => Location(c.Value.Args.ToString())));

        // Second turn: the calls and their results go back; the fake answers in text.
        var toolCalls = calls.OrderBy(c => c.Key).Select(c => ChatToolCall.CreateFunctionToolCall(c.Value.Id!, c.Value.Name!, BinaryData.FromString(c.Value.Args.ToString()))).ToList();
        messages.Add(new AssistantChatMessage(toolCalls));
        messages.Add(new ToolChatMessage(toolCalls[0].Id, "18°C"));
        messages.Add(new ToolChatMessage(toolCalls[1].Id, "22°C"));
        var answer = (await Chat().CompleteChatAsync(messages, options)).Value;
        Assert.Equal(OpenAITranscripts.ResponsesText, Assert.Single(answer.Content).Text);

        var requests = _openai.Requests("tools");
        Assert.Equal(2, requests.Count);
        using var sent = JsonDocument.Parse(requests[1].Body);
        var input = sent.RootElement.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["message", "function_call", "function_call", "function_call_output", "function_call_output"], input.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(OpenAITranscripts.ResponsesCallId2, input[4].GetProperty("call_id").GetString());
        var tool = sent.RootElement.GetProperty("tools")[0];
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.False(tool.GetProperty("strict").GetBoolean());

        var usage = await _relay.WaitForUsageAsync(2);
        Assert.Contains(usage, u => u.Tokens.Output == OpenAITranscripts.ResponsesToolsOutputTokens);
    }

    [Fact]
    public async Task A_non_streamed_answer_carries_reasoning_tokens_and_usage()
    {
        await AddResponsesOnlyAccountAsync("reasoning");

        var completion = (await Chat().CompleteChatAsync([new UserChatMessage("27 * 453?")], new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Medium })).Value;

        Assert.Equal(OpenAITranscripts.ReasoningText, Assert.Single(completion.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningInputTokens, completion.Usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningOutputTokens, completion.Usage.OutputTokenCount);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningTokens, completion.Usage.OutputTokenDetails.ReasoningTokenCount);

        var upstream = Assert.Single(_openai.Requests("reasoning"));
        Assert.Equal("/v1/responses", upstream.Path);
        using var sent = JsonDocument.Parse(upstream.Body);
        Assert.Equal("medium", sent.RootElement.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal(OpenAITranscripts.ResponsesReasoningOutputTokens, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task A_mid_stream_upstream_failure_ends_the_chat_stream_with_an_error_chunk_and_no_DONE()
    {
        // Two accounts: the failed stream cools the one that served it, the raw request below takes the other.
        await AddResponsesOnlyAccountAsync("error-mid");
        await AddResponsesOnlyAccountAsync("error-mid", "error-mid-2");

        // The .NET SDK (2.x) reads a Chat stream's `data: {"error":…}` chunk as an empty update rather than throwing
        // (the Node SDK throws it); what it must not see is a finish reason or usage, i.e. a complete-looking answer.
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions()))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(OpenAITranscripts.ResponsesErrorMidPartialText, text.ToString());
        Assert.Null(finish);
        Assert.Null(usage);

        // On the wire: the error chunk OpenAI itself sends, last, and no [DONE].
        using var http = new HttpClient { BaseAddress = new Uri(_relay.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _key.Key);
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{Model}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.Contains("[DONE]", StringComparison.Ordinal));
        Assert.True(lines[^1].StartsWith("data: {", StringComparison.Ordinal), string.Join("|", lines));
        using var last = JsonDocument.Parse(lines[^1]["data: ".Length..]);
        var error = last.RootElement.GetProperty("error");
        Assert.Equal(OpenAITranscripts.ResponsesFailedMessage, error.GetProperty("message").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_field_the_Responses_API_cannot_take_is_refused_with_400_naming_it()
    {
        await AddResponsesOnlyAccountAsync("ok");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat().CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { StopSequences = { "END" } }));

        Assert.Equal(400, error.Status);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        Assert.Equal("stop", body.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(_openai.Requests("ok"));
    }

    private static string? Location(string arguments) => JsonDocument.Parse(arguments).RootElement.GetProperty("location").GetString();
}
