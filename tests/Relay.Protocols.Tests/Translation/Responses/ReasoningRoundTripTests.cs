using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Tests.Translation.Responses;

/// <summary>A Codex tool loop across two turns on a Claude account, stateless in between.</summary>
public sealed class ReasoningRoundTripTests
{
    [Fact]
    public void Next_turn_restores_the_signed_thinking_block_and_matches_tool_results_to_tool_uses()
    {
        // Turn 1: Codex request → Anthropic request → Anthropic stream → Responses stream.
        string first = ResponsesKit.Load("codex-request.json");
        ResponsesKit.Request(first, out var turn);
        var events = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, new MessagesToResponsesStream(turn)));

        // Codex keeps the output_item.done items, runs the calls and sends everything back (store: false).
        var request = JsonNode.Parse(first)!.AsObject();
        var input = request["input"]!.AsArray();
        foreach (var (name, data) in events.Where(e => e.Name == "response.output_item.done"))
        {
            input.Add(JsonNode.Parse(data.GetProperty("item").GetRawText()));
        }

        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "toolu_01T1x1fJ34qAmk2tNTrN7Up6", ["output"] = "18°C, fog" });
        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "toolu_01E5RbVnFkq8Kx1ppu9SW7m2", ["output"] = "21°C, sun" });

        // Turn 2: the Anthropic request carries the thinking block exactly, first in the assistant turn.
        var anthropic = ResponsesKit.Request(request.ToJsonString(), out _);
        Assert.True(anthropic.TryGetProperty("thinking", out _));
        var messages = anthropic.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var assistant = messages[1].GetProperty("content");
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], assistant.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("The user wants the weather in two cities. I can call get_weather for both in parallel.", assistant[0].GetProperty("thinking").GetString());
        Assert.Equal("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ==", assistant[0].GetProperty("signature").GetString());
        Assert.Equal("San Francisco, CA", assistant[2].GetProperty("input").GetProperty("location").GetString());

        var toolUseIds = assistant.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "tool_use").Select(b => b.GetProperty("id").GetString());
        var results = messages[2].GetProperty("content");
        Assert.Equal("user", messages[2].GetProperty("role").GetString());
        Assert.Equal(toolUseIds, results.EnumerateArray().Select(b => b.GetProperty("tool_use_id").GetString()));
        Assert.Equal("21°C, sun", results[1].GetProperty("content").GetString());
    }

    [Fact]
    public void A_custom_tool_call_goes_back_to_Claude_as_the_tool_use_it_came_from()
    {
        ResponsesKit.Request(ResponsesKit.Load("codex-request.json"), out var turn);
        var events = ResponsesKit.Events(ResponsesKit.Stream(ResponsesKit.Load("anthropic-apply-patch.sse"), new MessagesToResponsesStream(turn)));
        var call = events.Single(e => e.Name == "response.output_item.done").Data.GetProperty("item").GetRawText();

        var anthropic = ResponsesKit.Request($$"""
            {"model":"claude-sonnet-4-5","input":[{"role":"user","content":"fix it"},{{call}},
             {"type":"custom_tool_call_output","call_id":"toolu_01PatchReadme9","output":"Success. Updated README.md"}],
             "tools":[{"type":"custom","name":"apply_patch"}]}
            """, out _);

        var toolUse = anthropic.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("toolu_01PatchReadme9", toolUse.GetProperty("id").GetString());
        Assert.StartsWith("*** Begin Patch\n", toolUse.GetProperty("input").GetProperty("input").GetString());
        Assert.Equal("toolu_01PatchReadme9", anthropic.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public void Redacted_thinking_round_trips_too()
    {
        string encrypted = ReasoningEnvelope.EncodeRedacted("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP");
        var anthropic = ResponsesKit.Request($$"""
            {"model":"claude-sonnet-4-5","input":[{"role":"user","content":"hi"},
             {"type":"reasoning","summary":[],"encrypted_content":"{{encrypted}}"},
             {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello"}]},
             {"role":"user","content":"again"}]}
            """, out _);

        var block = anthropic.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("redacted_thinking", block.GetProperty("type").GetString());
        Assert.Equal("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP", block.GetProperty("data").GetString());
    }
}
