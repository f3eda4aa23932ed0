using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Models.Messages;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Clients;

/// <summary>
/// The official Anthropic .NET SDK (as Claude Code would be) through the relay to an OpenAI account that serves only
/// <c>responses</c>: the request goes to <c>/v1/responses</c>, the answer comes back as Anthropic Messages.
/// </summary>
public sealed class MessagesOnResponsesAccountTests : IAsyncLifetime
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

    private async Task<AnthropicClient> ClientOnAsync(string prefix)
    {
        var body = new JsonObject
        {
            ["name"] = prefix,
            ["platform"] = "openai",
            ["baseUrl"] = _openai.BaseUrl(prefix) + "/v1",
            ["shapes"] = new JsonArray("responses"),
            ["secret"] = "sk-proj-" + RelayServer.RandomToken(40),
        };
        using var response = await _relay.Admin.PostAsJsonAsync("api/accounts", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return new AnthropicClient { ApiKey = _key.Key, BaseUrl = _relay.Url, MaxRetries = 0 };
    }

    private static MessageCreateParams Ask(string text = "Say hello", List<MessageParam>? conversation = null, Tool? tool = null) => new()
    {
        Model = Model,
        MaxTokens = 256,
        System = "You are terse.",
        Messages = conversation ?? [new UserMessageParam(text)],
        Tools = tool is null ? null : [tool],
    };

    [Fact]
    public async Task Text_streamed_and_not_comes_back_as_messages_with_usage()
    {
        var client = await ClientOnAsync("ok");

        var message = await client.Messages.Create(Ask());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(OpenAITranscripts.ResponsesText, text!.Text);
        Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, message.Usage.InputTokens);
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, message.Usage.OutputTokens);

        var streamed = new StringBuilder();
        var kinds = new List<string>();
        long? streamedOutput = null;
        await foreach (var item in client.Messages.CreateStreaming(Ask()))
        {
            kinds.Add(item.Json.GetProperty("type").GetString()!);
            if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece))
            {
                streamed.Append(piece!.Text);
            }
            else if (item.TryPickDelta(out var messageDelta))
            {
                streamedOutput = messageDelta!.Usage.OutputTokens;
            }
        }

        Assert.Equal(OpenAITranscripts.ResponsesText, streamed.ToString());
        Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, streamedOutput);
        Assert.Equal("message_start", kinds[0]);
        Assert.Equal("message_stop", kinds[^1]);

        var upstream = _openai.Requests("ok");
        Assert.Equal(2, upstream.Count);
        Assert.All(upstream, r => Assert.Equal("/v1/responses", r.Path));
        Assert.All(upstream, r => Assert.Null(r.Header("anthropic-version")));
        using var sent = JsonDocument.Parse(upstream[1].Body);
        Assert.Equal("You are terse.", sent.RootElement.GetProperty("instructions").GetString());
        Assert.False(sent.RootElement.GetProperty("store").GetBoolean());
        Assert.True(sent.RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal(256, sent.RootElement.GetProperty("max_output_tokens").GetInt32());

        var usage = await _relay.WaitForUsageAsync(2);
        Assert.All(usage, e => Assert.Equal("openai", e.Platform));
        Assert.All(usage, e => Assert.Equal(OpenAITranscripts.ResponsesTextOutputTokens, e.Tokens.Output));
        Assert.All(usage, e => Assert.Equal(OpenAITranscripts.ResponsesTextInputTokens, e.Tokens.Input));
    }

    [Fact]
    public async Task A_streamed_tool_call_loop_round_trips_through_function_call_items()
    {
        var client = await ClientOnAsync("tools");
        var tool = new Tool
        {
            Name = "get_weather",
            Description = "Current weather for a city",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement> { ["location"] = JsonDocument.Parse("{\"type\":\"string\"}").RootElement.Clone() },
                Required = ["location"],
            },
        };
        List<MessageParam> conversation = [new UserMessageParam("Weather in San Francisco and Paris?")];

        var calls = new SortedDictionary<long, (string Id, string Name, StringBuilder Json)>();
        string? stopReason = null;
        await foreach (var item in client.Messages.CreateStreaming(Ask(conversation: conversation, tool: tool)))
        {
            if (item.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var toolUse))
            {
                calls[start.Index] = (toolUse!.ID, toolUse.Name, new StringBuilder());
            }
            else if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var piece))
            {
                calls[delta.Index].Json.Append(piece!.PartialJson);
            }
            else if (item.TryPickDelta(out _))
            {
                stopReason = item.Json.GetProperty("delta").GetProperty("stop_reason").GetString();
            }
        }

        Assert.Equal("tool_use", stopReason);
        Assert.Equal([OpenAITranscripts.ResponsesCallId1, OpenAITranscripts.ResponsesCallId2], calls.Values.Select(c => c.Id));
        Assert.Equal(["San Francisco, CA", "Paris, France"], calls.Values.Select(c => JsonDocument.Parse(c.Json.ToString()).RootElement.GetProperty("location").GetString()));

        conversation.Add(new AssistantMessageParam(new List<ContentBlockParam>(calls.Values.Select(c => (ContentBlockParam)new ToolUseBlockParam
        {
            ID = c.Id,
            Name = c.Name,
            Input = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(c.Json.ToString())!,
        }))));
        conversation.Add(new UserMessageParam(new List<ContentBlockParam>(calls.Values.Select(c => (ContentBlockParam)new ToolResultBlockParam(c.Id) { Content = "18°C, clear" }))));

        var answer = await client.Messages.Create(Ask(conversation: conversation, tool: tool));

        Assert.True(answer.Content[0].TryPickText(out var text));
        Assert.Equal(OpenAITranscripts.ResponsesText, text!.Text);
        var requests = _openai.Requests("tools");
        Assert.Equal(2, requests.Count);
        using var second = JsonDocument.Parse(requests[1].Body);
        var items = second.RootElement.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["message", "function_call", "function_call", "function_call_output", "function_call_output"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(OpenAITranscripts.ResponsesCallId2, items[4].GetProperty("call_id").GetString());
        Assert.Equal("18°C, clear", items[4].GetProperty("output").GetString());
        Assert.Equal("get_weather", second.RootElement.GetProperty("tools")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_response_failed_mid_stream_surfaces_as_an_error_not_a_clean_end()
    {
        var client = await ClientOnAsync("error-mid");
        var streamed = new StringBuilder();
        var kinds = new List<string>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var item in client.Messages.CreateStreaming(Ask()))
            {
                kinds.Add(item.Json.GetProperty("type").GetString()!);
                if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var piece))
                {
                    streamed.Append(piece!.Text);
                }
            }
        });

        Assert.Contains(OpenAITranscripts.ResponsesFailedMessage, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(OpenAITranscripts.ResponsesErrorMidPartialText, streamed.ToString());
        Assert.DoesNotContain("message_stop", kinds);
    }
}
