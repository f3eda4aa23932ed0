using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;
using Relay.Server.Tests.Infrastructure;

#pragma warning disable OPENAI001 // The Responses client is marked experimental in the OpenAI .NET SDK.

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official OpenAI .NET SDK pointed at the relay with a relay key: Chat Completions and Responses served by a
/// Claude account (translated) and by an OpenAI account (passed through), with usage recorded either way.
/// </summary>
public sealed class OpenAIClientsThroughRelayTests : IAsyncLifetime
{
    private const string Model = "claude-sonnet-4-5";
    private FakeAnthropicUpstream _anthropic = null!;
    private FakeOpenAIUpstream _openai = null!;
    private RelayServer _relay = null!;
    private IssuedKey _key = null!;

    public async Task InitializeAsync()
    {
        _anthropic = await FakeAnthropicUpstream.StartAsync();
        _openai = await FakeOpenAIUpstream.StartAsync();
        _relay = await RelayServer.StartAsync();
        _key = await _relay.CreateKeyAsync();
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _openai.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private Task AddClaudeAccountAsync(string prefix) =>
        _relay.CreateAccountAsync(new AccountSpec { Name = prefix, BaseUrl = _anthropic.BaseUrl(prefix) });

    private async Task AddOpenAIAccountAsync(string prefix, string shapes = """["chat","responses"]""")
    {
        var body = new JsonObject
        {
            ["name"] = prefix,
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = JsonNode.Parse(shapes),
            ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
        };
        using var response = await _relay.Admin.PostAsJsonAsync("api/accounts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private ChatClient Chat(string model = Model) =>
        new(model, new ApiKeyCredential(_key.Key), new OpenAIClientOptions { Endpoint = new Uri(_relay.Url + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    private ResponsesClient Responses() =>
        new(new ApiKeyCredential(_key.Key), new ResponsesClientOptions { Endpoint = new Uri(_relay.Url + "/v1"), RetryPolicy = new ClientRetryPolicy(0) });

    [Fact]
    public async Task Chat_on_a_claude_account_gets_the_answer_translated_with_usage()
    {
        await AddClaudeAccountAsync("ok");

        var completion = (await Chat().CompleteChatAsync([new UserChatMessage("Say hello")])).Value;

        Assert.Equal(UpstreamTranscripts.TextText, Assert.Single(completion.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(25, completion.Usage.InputTokenCount);
        Assert.Equal(15, completion.Usage.OutputTokenCount);

        // Claude received an Anthropic Messages request, with the account's key and no trace of the relay key.
        var call = Assert.Single(_anthropic.Requests("ok"));
        Assert.Equal("/v1/messages", call.Path);
        Assert.Contains("\"max_tokens\"", call.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain(_key.Key, string.Join("\n", call.Headers.Values), StringComparison.Ordinal);

        var usage = Assert.Single(await _relay.WaitForUsageAsync(1));
        Assert.Equal(25, usage.Tokens.Input);
        Assert.Equal(15, usage.Tokens.Output);
        Assert.Equal("anthropic", usage.Platform);
    }

    [Fact]
    public async Task Chat_stream_on_a_claude_account_streams_text_and_reports_usage_when_asked()
    {
        await AddClaudeAccountAsync("ok");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
        }

        Assert.Equal(UpstreamTranscripts.TextText, text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(15, usage.OutputTokenCount);
        Assert.Equal(15, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task Chat_stream_with_parallel_tools_on_a_claude_account_gives_the_sdk_both_calls()
    {
        await AddClaudeAccountAsync("tools");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a place.", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")) },
        };

        var calls = new Dictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        ChatFinishReason? finish = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Weather in SF and Paris?")], options))
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
        Assert.Equal(2, calls.Count);
        Assert.All(calls.Values, c => Assert.Equal("get_weather", c.Name));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.OrderBy(c => c.Key).Select(c => JsonDocument.Parse(c.Value.Args.ToString()).RootElement.GetProperty("location").GetString()));
    }

    [Theory]
    [InlineData("claude")]
    [InlineData("openai")]
    public async Task A_multi_turn_tool_loop_with_parallel_calls_works_on_either_kind_of_account(string kind)
    {
        if (kind == "claude")
        {
            await AddClaudeAccountAsync("tools");
        }
        else
        {
            await AddOpenAIAccountAsync("tools");
        }

        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Weather for a place.", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")) },
        };
        var chat = Chat(kind == "claude" ? Model : "gpt-4o");
        List<ChatMessage> messages = [new UserChatMessage("Weather in SF and Paris?")];

        // Turn 1: the model asks for two calls at once.
        var first = (await chat.CompleteChatAsync(messages, options)).Value;
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        Assert.Equal(2, first.ToolCalls.Count);
        Assert.Equal(["San Francisco, CA", "Paris, France"], first.ToolCalls.Select(c => JsonDocument.Parse(c.FunctionArguments.ToString()).RootElement.GetProperty("location").GetString()));
        Assert.Equal(2, first.ToolCalls.Select(c => c.Id).Distinct().Count());

        // Turn 2: the results go back, one tool message per call, and the model answers in text.
        messages.Add(new AssistantChatMessage(first));
        foreach (var call in first.ToolCalls)
        {
            messages.Add(new ToolChatMessage(call.Id, """{"temperature_c":18}"""));
        }

        var second = (await chat.CompleteChatAsync(messages, options)).Value;
        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.False(string.IsNullOrEmpty(Assert.Single(second.Content).Text));

        var events = await _relay.WaitForUsageAsync(2);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(kind == "claude" ? "anthropic" : "openai", e.Platform));
        Assert.All(events, e => Assert.True(e.Tokens.Output > 0));
    }

    [Fact]
    public async Task Chat_on_an_openai_account_passes_through_byte_for_byte_and_hides_the_usage_chunk_relay_asked_for()
    {
        await AddOpenAIAccountAsync("ok");
        using var http = new HttpClient { BaseAddress = new Uri(_relay.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _key.Key);

        // A client that does not ask for usage: Relay asks the upstream for it (to record it) and drops that chunk.
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Say hello"}]}""", Encoding.UTF8, "application/json"));
        var clientBytes = await response.Content.ReadAsByteArrayAsync();

        Assert.True(response.IsSuccessStatusCode);
        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.True(OpenAIRoute.IncludeUsage(upstream));
        Assert.Equal("Bearer", upstream.Header("authorization")?.Split(' ')[0]);
        Assert.DoesNotContain(_key.Key, upstream.Header("authorization"), StringComparison.Ordinal);
        var upstreamData = OpenAIFakeFidelityTests.DataLines(upstream.ResponseBytes);
        var clientData = OpenAIFakeFidelityTests.DataLines(clientBytes);
        Assert.Equal(upstreamData.Length - 1, clientData.Length);
        Assert.DoesNotContain(clientData, d => d.Contains("\"choices\":[]", StringComparison.Ordinal));
        Assert.Equal("[DONE]", clientData[^1]);
        Assert.Equal(upstreamData.Where(d => !d.Contains("\"choices\":[]", StringComparison.Ordinal)), clientData);

        var usage = Assert.Single(await _relay.WaitForUsageAsync(1));
        Assert.Equal("openai", usage.Platform);
        Assert.True(usage.Tokens.Output > 0);
    }

    [Fact]
    public async Task Chat_on_an_openai_account_with_the_sdk_gets_the_upstream_answer_and_usage()
    {
        await AddOpenAIAccountAsync("ok");

        var completion = (await Chat("gpt-4o").CompleteChatAsync([new UserChatMessage("Say hello")])).Value;

        Assert.Equal(OpenAITranscripts.ChatText, Assert.Single(completion.Content).Text);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, completion.Usage.OutputTokenCount);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task Responses_stream_on_a_claude_account_is_translated_for_the_sdk()
    {
        await AddClaudeAccountAsync("ok");
        var options = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("Say hello")]) { StreamingEnabled = true };

        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Responses().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(UpstreamTranscripts.TextText, completed.GetOutputText());
        Assert.Equal(15, completed.Usage.OutputTokenCount);
        Assert.Equal("/v1/messages", Assert.Single(_anthropic.Requests("ok")).Path);
        Assert.Equal(15, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task Responses_on_an_openai_account_pass_through()
    {
        await AddOpenAIAccountAsync("ok");
        var options = new CreateResponseOptions("gpt-5", [ResponseItem.CreateUserMessageItem("Say hello")]) { StreamingEnabled = true };

        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in await Responses().CreateResponseStreamingAsync(options))
        {
            updates.Add(update);
        }

        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response;
        Assert.Equal(OpenAITranscripts.ResponsesText, completed.GetOutputText());
        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.Equal("/v1/responses", upstream.Path);
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, (await _relay.WaitForUsageAsync(1))[0].Tokens.Output);
    }

    [Fact]
    public async Task The_anthropic_sdk_on_an_openai_compatible_account_gets_a_translated_messages_answer()
    {
        await AddOpenAIAccountAsync("ok", """["chat"]""");
        var client = new Anthropic.AnthropicClient { ApiKey = _key.Key, BaseUrl = _relay.Url, MaxRetries = 0 };

        var message = await client.Messages.Create(new Anthropic.Models.Messages.MessageCreateParams
        {
            Model = "deepseek-chat",
            MaxTokens = 256,
            Messages = [new Anthropic.Models.Messages.UserMessageParam("Say hello")],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(OpenAITranscripts.ChatText, text!.Text);
        Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, message.Usage.OutputTokens);
        var upstream = Assert.Single(_openai.Requests("ok"));
        Assert.Equal("/v1/chat/completions", upstream.Path);
        Assert.Null(upstream.Header("anthropic-version"));

        var text2 = new StringBuilder();
        await foreach (var item in client.Messages.CreateStreaming(new Anthropic.Models.Messages.MessageCreateParams
        {
            Model = "deepseek-chat",
            MaxTokens = 256,
            Messages = [new Anthropic.Models.Messages.UserMessageParam("Say hello")],
        }))
        {
            if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var textDelta))
            {
                text2.Append(textDelta!.Text);
            }
        }

        Assert.Equal(OpenAITranscripts.ChatText, text2.ToString());
        var events = await _relay.WaitForUsageAsync(2);
        Assert.All(events, e => Assert.Equal("openai", e.Platform));
        Assert.All(events, e => Assert.Equal(OpenAITranscripts.ChatTextCompletionTokens, e.Tokens.Output));
    }

    [Fact]
    public async Task Errors_come_back_in_openai_shape_with_status_and_retry_after()
    {
        await AddClaudeAccountAsync("429");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat().CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(429, error.Status);
        var raw = error.GetRawResponse()!;
        Assert.NotNull(raw.Headers.TryGetValue("retry-after", out var retryAfter) ? retryAfter : null);
        using var body = JsonDocument.Parse(raw.Content.ToString());
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
