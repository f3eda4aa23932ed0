using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Relay.Server.Tests.Infrastructure;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI .NET SDK.

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI .NET SDK talking DIRECTLY to <see cref="FakeOpenAIUpstream"/> (no relay): proves the fake's
/// transcripts are what the real client parses — text, usage (cached and reasoning tokens), streamed parallel tool
/// calls, Responses events in order with reasoning items, and errors raised with their status. The same clients
/// pointed at the relay later must see the same.
/// </summary>
public sealed class OpenAIFakeFidelityTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-2024-08-06";
    private const string Key = "sk-proj-fakeUpstreamKey0123456789abcdefWXYZ";
    private FakeOpenAIUpstream _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAIUpstream.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task Chat_non_streamed_gets_the_text_the_requested_model_and_usage()
    {
        var completion = (await Chat("ok").CompleteChatAsync([new UserChatMessage("Say hello")])).Value;

        Assert.Equal(OpenAITranscripts.ChatText, Assert.Single(completion.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(Model, completion.Model);
        Assert.Equal(OpenAITranscripts.ChatTextPromptTokens, completion.Usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, completion.Usage.OutputTokenCount);

        var request = Assert.Single(_fake.Requests("ok"));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + Key, request.Header("authorization"));
        Assert.False(request.Stream);
    }

    [Fact]
    public async Task Chat_stream_delivers_the_text_in_pieces_and_the_usage_in_a_final_chunk_without_choices()
    {
        var text = new StringBuilder();
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in Chat("ok").CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            updates.Add(update);
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
        }

        Assert.Equal(OpenAITranscripts.ChatText, text.ToString());
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Stop);
        var usage = Assert.Single(updates, u => u.Usage is not null).Usage;
        Assert.Same(updates[^1].Usage, usage);
        Assert.Equal(OpenAITranscripts.ChatTextPromptTokens, usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, usage.OutputTokenCount);

        // The SDK asked for usage, and the fake answered the way OpenAI does: "usage": null on every choice chunk,
        // then one chunk with "choices": [] and the usage, then [DONE].
        var request = Assert.Single(_fake.Requests("ok"));
        Assert.True(request.Stream);
        Assert.True(OpenAIRoute.IncludeUsage(request));
        var data = DataLines(request.ResponseBytes);
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task Chat_stream_with_two_parallel_tool_calls_assembles_both_calls_with_their_arguments()
    {
        var options = new ChatCompletionOptions { Tools = { WeatherTool() } };
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat("tools").CompleteChatStreamingAsync([new UserChatMessage("Weather in SF and Paris?")], options))
        {
            finish ??= update.FinishReason;
            foreach (var call in update.ToolCallUpdates)
            {
                // The .NET SDK has no accumulator; its documented pattern keys the pieces by Index.
                var entry = calls.TryGetValue(call.Index, out var found) ? found : (null, null, new StringBuilder());
                calls[call.Index] = (entry.Id ?? call.ToolCallId, entry.Name ?? call.FunctionName, entry.Arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal([0, 1], calls.Keys);
        Assert.Equal([OpenAITranscripts.ToolCallId1, OpenAITranscripts.ToolCallId2], calls.Values.Select(c => c.Id));
        Assert.All(calls.Values, c => Assert.Equal("get_weather", c.Name));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Values.Select(c => Location(c.Arguments.ToString())));
    }

    [Fact]
    public async Task Chat_non_streamed_tool_calls_and_cached_tokens_are_read_by_the_sdk()
    {
        var tools = (await Chat("tools").CompleteChatAsync([new UserChatMessage("Weather?")], new ChatCompletionOptions { Tools = { WeatherTool() } })).Value;
        Assert.Equal(ChatFinishReason.ToolCalls, tools.FinishReason);
        Assert.Equal(["San Francisco, CA", "Paris, France"], tools.ToolCalls.Select(c => Location(c.FunctionArguments.ToString())));

        var cached = (await Chat("cache").CompleteChatAsync([new UserChatMessage("Again")])).Value;
        Assert.Equal(OpenAITranscripts.CachePromptTokens, cached.Usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.CacheCachedTokens, cached.Usage.InputTokenDetails.CachedTokenCount);
    }

    [Fact]
    public async Task Chat_429_raises_the_sdk_exception_with_the_status_and_the_rate_limit_headers()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat("429").CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(429, error.Status);
        Assert.Contains("Rate limit reached for " + Model, error.Message, StringComparison.Ordinal);
        var response = error.GetRawResponse()!;
        Assert.Equal(FakeOpenAIUpstream.RetryAfterSeconds, response.Headers.TryGetValue("retry-after", out var retry) ? retry : null);
        Assert.Equal("0", response.Headers.TryGetValue("x-ratelimit-remaining-requests", out var remaining) ? remaining : null);
        Assert.Equal("rate_limit_exceeded", JsonDocument.Parse(response.Content.ToString()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, _fake.Count("429"));
    }

    [Fact]
    public async Task Chat_with_a_wrong_key_gets_invalid_api_key_and_a_context_overflow_gets_400_with_param()
    {
        var auth = await Assert.ThrowsAsync<ClientResultException>(() => Chat("401").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(401, auth.Status);
        var authError = JsonDocument.Parse(auth.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("invalid_api_key", authError.GetProperty("code").GetString());
        Assert.DoesNotContain(Key, authError.GetProperty("message").GetString(), StringComparison.Ordinal);

        var bad = await Assert.ThrowsAsync<ClientResultException>(() => Chat("400").CompleteChatAsync([new UserChatMessage("Hi")]));
        Assert.Equal(400, bad.Status);
        var badError = JsonDocument.Parse(bad.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", badError.GetProperty("type").GetString());
        Assert.Equal("messages", badError.GetProperty("param").GetString());
        Assert.Equal("context_length_exceeded", badError.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Responses_stream_with_reasoning_gives_summary_encrypted_content_text_and_usage_in_order()
    {
        var options = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("What is 27 * 453?")])
        {
            ReasoningOptions = new ResponseReasoningOptions { ReasoningSummaryVerbosity = ResponseReasoningSummaryVerbosity.Detailed },
            IncludedProperties = { IncludedResponseProperty.ReasoningEncryptedContent },
        };
        var updates = await StreamAsync(Responses("reasoning"), options);

        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseInProgressUpdate>(updates[1]);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;

        var summary = string.Concat(updates.OfType<StreamingResponseReasoningSummaryTextDeltaUpdate>().Select(u => u.Delta));
        Assert.Equal(OpenAITranscripts.ReasoningSummary, summary);
        var reasoning = Assert.IsType<ReasoningResponseItem>(updates.OfType<StreamingResponseOutputItemDoneUpdate>().First().Item);
        Assert.Equal(OpenAITranscripts.ReasoningItemId, reasoning.Id);
        Assert.Equal(OpenAITranscripts.EncryptedReasoning, reasoning.EncryptedContent);
        Assert.Equal(OpenAITranscripts.ReasoningSummary, reasoning.GetSummaryText());

        Assert.Equal(OpenAITranscripts.ReasoningText, string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal(OpenAITranscripts.ReasoningText, completed.GetOutputText());
        Assert.Equal(Model, completed.Model);
        Assert.Equal(OpenAITranscripts.EncryptedReasoning, Assert.IsType<ReasoningResponseItem>(completed.OutputItems[0]).EncryptedContent);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningInputTokens, completed.Usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningOutputTokens, completed.Usage.OutputTokenCount);
        Assert.Equal(OpenAITranscripts.ResponsesReasoningTokens, completed.Usage.OutputTokenDetails.ReasoningTokenCount);

        var request = Assert.Single(_fake.Requests("reasoning"));
        Assert.Equal("/v1/responses", request.Path);
        Assert.True(request.Stream);
        Assert.Contains("reasoning.encrypted_content", request.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_stream_with_two_function_calls_and_a_cached_prompt_reads_calls_and_cached_tokens()
    {
        var tools = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Weather in SF and Paris?")])
        {
            Tools = { ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""), strictModeEnabled: false) },
        };
        var updates = await StreamAsync(Responses("tools"), tools);
        var calls = updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(u => Assert.IsType<FunctionCallResponseItem>(u.Item)).ToList();
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], calls.Select(c => c.CallId));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Select(c => Location(c.FunctionArguments.ToString())));
        var streamedArgs = updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().GroupBy(u => u.OutputIndex)
            .Select(g => Location(string.Concat(g.Select(u => u.Delta.ToString()))));
        Assert.Equal(["San Francisco, CA", "Paris, France"], streamedArgs);
        Assert.Equal(2, Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response.OutputItems.Count);

        var cache = await StreamAsync(Responses("cache"), new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Again")]));
        var usage = Assert.IsType<StreamingResponseCompletedUpdate>(cache[^1]).Response.Usage;
        Assert.Equal(OpenAITranscripts.CachePromptTokens, usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.CacheCachedTokens, usage.InputTokenDetails.CachedTokenCount);
    }

    [Fact]
    public async Task Responses_non_streamed_text_and_a_mid_stream_failure_reach_the_sdk()
    {
        var result = (await Responses("ok").CreateResponseAsync(new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Hi")]))).Value;
        Assert.Equal(OpenAITranscripts.ResponsesText, result.GetOutputText());
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, result.Usage.InputTokenCount);

        var failed = await StreamAsync(Responses("error-mid"), new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Hi")]));
        Assert.Equal(OpenAITranscripts.ResponsesErrorMidPartialText, string.Concat(failed.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        var response = Assert.IsType<StreamingResponseFailedUpdate>(failed[^1]).Response;
        Assert.Equal(ResponseStatus.Failed, response.Status);
        Assert.Equal(ResponseErrorCode.ServerError, response.Error.Code);
    }

    [Fact]
    public async Task Azure_deployment_route_records_deployment_api_version_and_api_key_and_refuses_a_missing_api_version()
    {
        using var http = new HttpClient();
        var body = """{"messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}""";

        using var missing = new HttpRequestMessage(HttpMethod.Post, _fake.BaseUrl("ok-azure") + "/openai/deployments/gpt4o-prod/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        missing.Headers.Add("api-key", "azure-key-1");
        using var refused = await http.SendAsync(missing);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("MissingApiVersionParameter", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var good = new HttpRequestMessage(HttpMethod.Post, _fake.BaseUrl("ok-azure") + "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        good.Headers.Add("api-key", "azure-key-1");
        using var answered = await http.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var data = DataLines(Encoding.UTF8.GetBytes(await answered.Content.ReadAsStringAsync()));
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal("gpt4o-prod", JsonDocument.Parse(data[0]).RootElement.GetProperty("model").GetString());

        var requests = _fake.Requests("ok-azure");
        Assert.Equal(2, requests.Count);
        var route = OpenAIRoute.Of(requests[1]);
        Assert.True(route.Azure);
        Assert.Equal(OpenAIRouteKind.Chat, route.Kind);
        Assert.Equal("gpt4o-prod", route.Deployment);
        Assert.Equal("2024-10-21", route.ApiVersion);
        Assert.Equal("azure-key-1", requests[1].Header("api-key"));
    }

    [Fact]
    public async Task Chat_stream_without_include_usage_mentions_no_usage_and_a_request_without_a_key_is_refused()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _fake.BaseUrl("ok") + "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}],"stream":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var answer = await http.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Equal("text/event-stream; charset=utf-8", answer.Content.Headers.ContentType?.ToString());
        Assert.DoesNotContain("usage", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);

        using var anonymous = await http.PostAsync(_fake.BaseUrl("ok") + "/v1/chat/completions", new StringContent("""{"model":"gpt-4o","messages":[]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("You didn't provide an API key", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_lists_openai_models_for_the_sdk()
    {
        var models = (await new OpenAI.Models.OpenAIModelClient(new ApiKeyCredential(Key), Options("ok")).GetModelsAsync()).Value;
        Assert.Contains(models, m => m.Id == "gpt-4o");
        Assert.Equal("/v1/models", Assert.Single(_fake.Requests("ok")).Path);
    }

    private ChatClient Chat(string prefix) => new(Model, new ApiKeyCredential(Key), Options(prefix));

    private ResponsesClient Responses(string prefix) =>
        new(new ApiKeyCredential(Key), new ResponsesClientOptions { Endpoint = new Uri(_fake.BaseUrl(prefix) + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private OpenAIClientOptions Options(string prefix) =>
        new() { Endpoint = new Uri(_fake.BaseUrl(prefix) + "/v1"), RetryPolicy = new ClientRetryPolicy(0) };

    private static async Task<List<StreamingResponseUpdate>> StreamAsync(ResponsesClient client, CreateResponseOptions options)
    {
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await client.CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static ChatTool WeatherTool() => ChatTool.CreateFunctionTool(
        "get_weather",
        "Get the current weather in a given location.",
        BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""));

    private static string? Location(string argumentsJson) => JsonDocument.Parse(argumentsJson).RootElement.GetProperty("location").GetString();

    /// <summary>The payloads of an SSE body's <c>data:</c> lines.</summary>
    internal static string[] DataLines(byte[] sse) =>
        [.. Encoding.UTF8.GetString(sse).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..])];
}
