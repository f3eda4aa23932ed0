using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI.Responses;
using Relay.Server.Tests.Infrastructure;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI .NET SDK.

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI .NET SDK's <see cref="ResponsesClient"/> (what Codex speaks) through the relay to an
/// OpenAI-compatible account that serves only Chat Completions (<c>"shapes":["chat"]</c>, as DeepSeek, vLLM or
/// Ollama): the request is translated to Chat, the Chat stream back to Responses events, usage recorded.
/// </summary>
public sealed class ResponsesOnChatAccountTests : IAsyncLifetime
{
    private const string Model = "deepseek-chat";
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

    private async Task AddChatOnlyAccountAsync(string prefix)
    {
        var body = new JsonObject
        {
            ["name"] = prefix,
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = new JsonArray("chat"),
            ["secret"] = "sk-" + RelayServer.RandomToken(40),
        };
        using var response = await _relay.Admin.PostAsJsonAsync("api/accounts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private ResponsesClient Responses() =>
        new(new ApiKeyCredential(_key.Key), new ResponsesClientOptions { Endpoint = new Uri(_relay.Url + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private async Task<List<StreamingResponseUpdate>> StreamAsync(CreateResponseOptions options)
    {
        options.StreamingEnabled = true;
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Responses().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task Streamed_text_arrives_as_Responses_events_from_a_Chat_upstream_with_usage_recorded()
    {
        await AddChatOnlyAccountAsync("ok");

        var updates = await StreamAsync(new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Say hello")]));

        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.Equal(OpenAITranscripts.ChatText, string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(OpenAITranscripts.ChatText, completed.GetOutputText());
        Assert.Equal(OpenAITranscripts.ChatTextPromptTokens, completed.Usage.InputTokenCount);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, completed.Usage.OutputTokenCount);

        // The upstream got a Chat Completions request that asks for usage.
        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.Equal("/v1/chat/completions", upstream.Path);
        Assert.True(OpenAIRoute.IncludeUsage(upstream));
        using var sent = JsonDocument.Parse(upstream.Body);
        Assert.Equal("Say hello", sent.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());

        var usage = Assert.Single(await _relay.WaitForUsageAsync(1));
        Assert.Equal("openai", usage.Platform);
        Assert.Equal(OpenAITranscripts.ChatTextPromptTokens, usage.Tokens.Input);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, usage.Tokens.Output);
    }

    [Fact]
    public async Task Parallel_function_calls_become_function_call_items_and_the_tool_loop_continues()
    {
        await AddChatOnlyAccountAsync("tools");
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}"""), strictModeEnabled: false);
        var first = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Weather in SF and Paris?")]) { Tools = { tool } };

        var updates = await StreamAsync(first);

        var calls = updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(u => Assert.IsType<FunctionCallResponseItem>(u.Item)).ToList();
        Assert.Equal([OpenAITranscripts.ToolCallId1, OpenAITranscripts.ToolCallId2], calls.Select(c => c.CallId));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Select(c => Location(c.FunctionArguments.ToString())));
        var streamedArgs = updates.OfType<StreamingResponseFunctionCallArgumentsDeltaUpdate>().GroupBy(u => u.OutputIndex)
            .Select(g => Location(string.Concat(g.Select(u => u.Delta.ToString()))));
        Assert.Equal(["San Francisco, CA", "Paris, France"], streamedArgs);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(2, completed.OutputItems.Count);

        // Second turn, as Codex sends it: the whole history with the calls and their outputs; the fake answers in text.
        var second = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Weather in SF and Paris?"), .. calls,
            ResponseItem.CreateFunctionCallOutputItem(calls[0].CallId, "18°C"), ResponseItem.CreateFunctionCallOutputItem(calls[1].CallId, "22°C")]) { Tools = { tool } };
        var answer = Assert.IsType<StreamingResponseCompletedUpdate>((await StreamAsync(second))[^1]).Response;
        Assert.Equal(OpenAITranscripts.ChatText, answer.GetOutputText());

        var requests = _openai.Requests("tools");
        using var sent = JsonDocument.Parse(requests[1].Body);
        var messages = sent.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(2, messages[1].GetProperty("tool_calls").GetArrayLength());

        var usage = await _relay.WaitForUsageAsync(2);
        Assert.Contains(usage, u => u.Tokens.Output == OpenAITranscripts.ChatToolsCompletionTokens);
    }

    [Fact]
    public async Task Reasoning_content_becomes_a_reasoning_item_with_its_summary_and_reasoning_tokens()
    {
        await AddChatOnlyAccountAsync("reasoning");

        var updates = await StreamAsync(new CreateResponseOptions("deepseek-reasoner", [ResponseItem.CreateUserMessageItem("27 * 453?")]));

        var reasoning = updates.OfType<StreamingResponseOutputItemDoneUpdate>().Select(u => u.Item).OfType<ReasoningResponseItem>().Single();
        Assert.Equal(OpenAITranscripts.ChatReasoningThought, reasoning.GetSummaryText());
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(OpenAITranscripts.ChatReasoningText, completed.GetOutputText());
        Assert.Equal(OpenAITranscripts.ChatReasoningTokens, completed.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(OpenAITranscripts.ChatReasoningCompletionTokens, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task A_non_streamed_request_gets_a_translated_response_object()
    {
        await AddChatOnlyAccountAsync("ok");

        var result = (await Responses().CreateResponseAsync(new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Hi")]))).Value;

        Assert.Equal(OpenAITranscripts.ChatText, result.GetOutputText());
        Assert.Equal(ResponseStatus.Completed, result.Status);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, result.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task A_mid_stream_upstream_error_surfaces_as_a_failed_response()
    {
        await AddChatOnlyAccountAsync("error-mid");

        var updates = await StreamAsync(new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Hi")]));

        Assert.Equal(OpenAITranscripts.ChatErrorMidPartialText, string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        var response = Assert.IsType<StreamingResponseFailedUpdate>(updates[^1]).Response;
        Assert.Equal(ResponseStatus.Failed, response.Status);
        Assert.Equal(ResponseErrorCode.ServerError, response.Error.Code);
        Assert.DoesNotContain(updates, u => u is StreamingResponseCompletedUpdate);
    }

    [Fact]
    public async Task A_previous_response_id_is_refused_with_400_naming_the_field()
    {
        await AddChatOnlyAccountAsync("ok");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Responses().CreateResponseAsync(
            new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Hi")]) { PreviousResponseId = "resp_earlier" }));

        Assert.Equal(400, error.Status);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        Assert.Equal("previous_response_id", body.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(_openai.Requests("ok"));
    }

    [Fact]
    public async Task A_Codex_request_with_a_namespace_tool_is_answered_and_the_host_gets_the_tools_flat()
    {
        await AddChatOnlyAccountAsync("ok");

        // Codex 0.169's request body, as captured (its multi_agent_v1 namespace tool included), for a DeepSeek model.
        var codex = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "codex-request.json")))!.AsObject();
        Assert.Contains(codex["tools"]!.AsArray(), t => (string?)t!["type"] == "namespace");
        codex["model"] = Model;
        using var http = new HttpClient { BaseAddress = new Uri(_relay.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _key.Key);

        using var response = await http.PostAsync("/v1/responses", new StringContent(codex.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        var completed = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "response.completed");
        var output = completed.GetProperty("response").GetProperty("output");
        Assert.Equal(OpenAITranscripts.ChatText, output[0].GetProperty("content")[0].GetProperty("text").GetString());

        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.Equal("/v1/chat/completions", upstream.Path);
        using var sent = JsonDocument.Parse(upstream.Body);
        var names = sent.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Contains("multi_agent_v1__spawn_agent", names);
        Assert.Contains("apply_patch", names);
        Assert.DoesNotContain(names, n => n == "spawn_agent");
    }

    private static string? Location(string arguments) => JsonDocument.Parse(arguments).RootElement.GetProperty("location").GetString();
}
