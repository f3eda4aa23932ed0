using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Chat;

namespace Relay.Protocols.Tests.Translation.Chat;

/// <summary>A Chat client's tool loop with thinking, served by Anthropic: the signed thinking must come back intact.</summary>
public sealed class ThinkingRoundTripTests
{
    private const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ==";
    private const string Thinking = "The user wants the weather in two cities. I can call get_weather for both in parallel.";

    [Fact]
    public void Non_streamed_turn_replayed_by_the_client_reaches_Anthropic_with_thinking_and_signature_intact()
    {
        var turn1 = JsonNode.Parse(ChatTestData.Text("chat-request-tools-thinking.json"))!.AsObject();
        Assert.True(ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(turn1.ToJsonString())).Ok);

        var answer = MessagesToChatResponse.Translate(ChatTestData.Bytes("anthropic-thinking-tools.json"), out _);
        var assistant = JsonNode.Parse(answer.Body)!["choices"]![0]!["message"]!.DeepClone();

        AssertNextTurnCarriesThinking(turn1, assistant);
    }

    [Fact]
    public void Streamed_turn_accumulated_as_the_OpenAI_SDK_does_reaches_Anthropic_with_thinking_and_signature_intact()
    {
        var turn1 = JsonNode.Parse(ChatTestData.Text("chat-request-tools-thinking.json"))!.AsObject();
        string stream = StreamHarness.Run(new MessagesToChatStream(true), ChatTestData.Bytes("anthropic-thinking-tools.sse"), new Random(7));

        // A client keeps content, the tool calls by index, and the reasoning_details entries as they arrived.
        var content = new StringBuilder();
        var details = new JsonArray();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Args)>();
        foreach (var line in StreamHarness.DataLines(stream).Where(l => l.StartsWith('{')))
        {
            var delta = JsonNode.Parse(line)!["choices"]!.AsArray().FirstOrDefault()?["delta"];
            if (delta is null)
            {
                continue;
            }

            content.Append((string?)delta["content"]);
            foreach (var detail in delta["reasoning_details"]?.AsArray() ?? [])
            {
                details.Add(detail!.DeepClone());
            }

            foreach (var call in delta["tool_calls"]?.AsArray() ?? [])
            {
                int index = (int)call!["index"]!;
                if (!calls.ContainsKey(index))
                {
                    calls[index] = ((string)call["id"]!, (string)call["function"]!["name"]!, new StringBuilder());
                }

                calls[index].Args.Append((string?)call["function"]!["arguments"]);
            }
        }

        var assistant = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = content.ToString(),
            ["reasoning_details"] = details,
            ["tool_calls"] = new JsonArray(calls.Values.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Args.ToString() },
            }).ToArray()),
        };

        AssertNextTurnCarriesThinking(turn1, assistant);
    }

    private static void AssertNextTurnCarriesThinking(JsonObject turn1, JsonNode assistant)
    {
        var messages = turn1["messages"]!.AsArray();
        messages.Add(assistant);
        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = "toolu_01T1x1fJ34qAmk2tNTrN7Up6", ["content"] = "18°C, fog" });
        messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = "toolu_01E5RbVnFkq8Kx1ppu9SW7m2", ["content"] = "21°C, sun" });

        var turn2 = ChatToMessagesRequestTests.Translate(turn1.ToJsonString());

        var anthropicMessages = turn2["messages"]!.AsArray();
        Assert.Equal(3, anthropicMessages.Count);
        var replayed = anthropicMessages[1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], replayed.Select(b => (string?)b!["type"]));
        Assert.Equal(Thinking, (string?)replayed[0]!["thinking"]);
        Assert.Equal(Signature, (string?)replayed[0]!["signature"]);
        Assert.Equal("San Francisco, CA", (string?)replayed[2]!["input"]!["location"]);
        var results = anthropicMessages[2]!["content"]!.AsArray();
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], results.Select(b => (string?)b!["tool_use_id"]));
    }
}
