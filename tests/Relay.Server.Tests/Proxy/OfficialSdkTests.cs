using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Proxy;

/// <summary>The official .NET SDK (NuGet <c>Anthropic</c>) pointed at the relay, as a user would.</summary>
public sealed class OfficialSdkTests(UpstreamFixture upstream) : ProxyTestBase(upstream), IClassFixture<UpstreamFixture>
{
    private async Task<AnthropicClient> SdkClientAsync()
    {
        var key = await Relay.CreateKeyAsync("sdk");
        return new AnthropicClient { ApiKey = key.Key, BaseUrl = Relay.Url, MaxRetries = 0 };
    }

    [Fact]
    public async Task Non_streamed_message()
    {
        var (_, prefix) = await AddAccountAsync("ok");
        var client = await SdkClientAsync();

        var message = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 256,
            Messages = [new UserMessageParam("Hello, Claude")],
        });

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal(UpstreamTranscripts.TextText, text!.Text);
        Assert.Equal(25, message.Usage.InputTokens);
        Assert.Equal(15, message.Usage.OutputTokens);
        var sent = Assert.Single(Fake.Requests(prefix));
        Assert.Null(sent.Header("authorization"));
        Assert.StartsWith("sk-ant-api03-", sent.Header("x-api-key"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_message()
    {
        await AddAccountAsync("ok");
        var client = await SdkClientAsync();

        var text = new StringBuilder();
        var kinds = new List<string>();
        await foreach (var item in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 256,
            Messages = [new UserMessageParam("Hello, Claude")],
        }))
        {
            kinds.Add(item.Json.GetProperty("type").GetString()!);
            if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var textDelta))
            {
                text.Append(textDelta!.Text);
            }
        }

        Assert.Equal(UpstreamTranscripts.TextText, text.ToString());
        Assert.Equal("message_start", kinds[0]);
        Assert.Equal("message_stop", kinds[^1]);
        Assert.Single(kinds, k => k == "message_start");
    }

    [Fact]
    public async Task Multi_turn_tool_loop_with_streamed_parallel_tool_calls()
    {
        var (_, prefix) = await AddAccountAsync("tools");
        var client = await SdkClientAsync();
        var tool = new Tool
        {
            Name = "get_weather",
            Description = "Current weather for a city",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement>
                {
                    ["location"] = JsonDocument.Parse("{\"type\":\"string\"}").RootElement.Clone(),
                },
                Required = ["location"],
            },
        };
        List<MessageParam> conversation = [new UserMessageParam("Weather in San Francisco and Paris?")];

        // Turn 1, streamed: two tool calls whose inputs arrive as input_json_delta pieces.
        var calls = new SortedDictionary<long, (string Id, string Name, StringBuilder Json)>();
        await foreach (var item in client.Messages.CreateStreaming(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 1024,
            Tools = [tool],
            Messages = conversation,
        }))
        {
            if (item.TryPickContentBlockStart(out var start) && start!.ContentBlock.TryPickToolUse(out var toolUse))
            {
                calls[start.Index] = (toolUse!.ID, toolUse.Name, new StringBuilder());
            }
            else if (item.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var piece))
            {
                calls[delta.Index].Json.Append(piece!.PartialJson);
            }
        }

        Assert.Equal(2, calls.Count);
        var inputs = calls.Values.Select(c => JsonDocument.Parse(c.Json.ToString()).RootElement.GetProperty("location").GetString()).ToList();
        Assert.Equal(["San Francisco, CA", "Paris, France"], inputs);

        // Turn 2: the assistant's tool calls and both results go back; the model answers in text.
        conversation.Add(new AssistantMessageParam(new List<ContentBlockParam>(calls.Values.Select(c => (ContentBlockParam)new ToolUseBlockParam
        {
            ID = c.Id,
            Name = c.Name,
            Input = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(c.Json.ToString())!,
        }))));
        conversation.Add(new UserMessageParam(new List<ContentBlockParam>(calls.Values.Select(c => (ContentBlockParam)new ToolResultBlockParam(c.Id)
        {
            Content = "18°C, clear",
        }))));

        var answer = await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 1024,
            Tools = [tool],
            Messages = conversation,
        });

        Assert.True(answer.Content[0].TryPickText(out var text));
        Assert.Equal(UpstreamTranscripts.TextText, text!.Text);

        var requests = Fake.Requests(prefix);
        Assert.Equal(2, requests.Count);
        using var second = JsonDocument.Parse(requests[1].Body);
        var results = second.RootElement.GetProperty("messages")[2].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], results.Select(r => r.GetProperty("tool_use_id").GetString()));
    }

    [Fact]
    public async Task Relay_errors_surface_as_sdk_exceptions_with_status()
    {
        await AddAccountAsync("429", priority: 1);
        var client = await SdkClientAsync();

        var error = await Assert.ThrowsAnyAsync<Anthropic.Exceptions.AnthropicApiException>(() => client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 16,
            Messages = [new UserMessageParam("Hi")],
        }));

        Assert.Contains("RateLimit", error.GetType().Name, StringComparison.Ordinal);
    }
}
