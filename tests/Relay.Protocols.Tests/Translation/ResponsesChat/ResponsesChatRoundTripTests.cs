using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Relay.Protocols.Translation.ResponsesChat;

namespace Relay.Protocols.Tests.Translation.ResponsesChat;

/// <summary>A Codex turn through a Chat host and back: the answer's items, echoed as Codex echoes them, make the next Chat request.</summary>
public sealed class ResponsesChatRoundTripTests
{
    [Fact]
    public void A_Codex_tool_loop_round_trips_through_a_Chat_host()
    {
        var first = JsonNode.Parse(ResponsesChatKit.Load("codex-request.json"))!.AsObject();
        first["input"] = new JsonArray(first["input"]!.AsArray().Take(3).Select(n => n!.DeepClone()).ToArray());
        ResponsesChatKit.Request(first.ToJsonString(), out var turn);

        var random = new Random(7);
        string sse = ResponsesChatKit.Stream(ResponsesChatKit.Load("chat-reasoning-parallel-tools.sse"), turn, random);
        var output = ResponsesChatKit.Events(sse)[^1].Data.GetProperty("response").GetProperty("output");

        // Codex (store: false) sends the whole history again: the items it received, then the tool outputs.
        var input = first["input"]!.AsArray();
        foreach (var item in output.EnumerateArray())
        {
            input.Add(JsonNode.Parse(item.GetRawText()));
        }

        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "call_SF", ["output"] = "18°C" });
        input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "call_PA", ["output"] = "22°C" });
        input.Add(new JsonObject { ["type"] = "custom_tool_call_output", ["call_id"] = "call_PATCH", ["output"] = "Done" });

        var next = ResponsesChatKit.Request(first.ToJsonString(), out _, ResponsesChatKit.Options with { KeepReasoningContent = true });
        var messages = next.GetProperty("messages").EnumerateArray().ToList();

        Assert.Equal(["system", "system", "user", "user", "assistant", "tool", "tool", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        var assistant = messages[4];
        Assert.Equal("Checking both cities — ünïcødé.", assistant.GetProperty("content").GetString());
        Assert.Equal("Two cities, two calls; then the patch.", assistant.GetProperty("reasoning_content").GetString());
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(["call_SF", "call_PA", "call_PATCH"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("{\"location\": \"Paris\"}", calls[1].GetProperty("function").GetProperty("arguments").GetString());
        var patch = JsonDocument.Parse(calls[2].GetProperty("function").GetProperty("arguments").GetString()!).RootElement;
        Assert.Equal("*** Begin Patch\n*** Update File: README.md\n@@\n-Teh project\n+The project\n*** End Patch\n", patch.GetProperty("input").GetString());
        Assert.Equal(["call_SF", "call_PA", "call_PATCH"], messages[5..].Select(m => m.GetProperty("tool_call_id").GetString()));
    }

    [Fact]
    public void A_non_streamed_answer_with_a_refusal_and_content_filter_is_incomplete()
    {
        var result = ChatToResponsesResponse.Translate(Encoding.UTF8.GetBytes(
            """{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":5,"completion_tokens":6}}"""),
            ResponsesChatKit.Turn(), out var usage, out _);

        Assert.True(result.Ok);
        var response = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("content_filter", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("I can't help with that.", response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(6, usage.Output);
    }

    [Theory]
    [InlineData("""{"error":{"message":"bad"}}""")]
    [InlineData("not json")]
    public void An_upstream_body_that_is_not_a_completion_is_refused_as_the_upstreams_fault(string body)
    {
        var result = ChatToResponsesResponse.Translate(Encoding.UTF8.GetBytes(body), ResponsesChatKit.Turn(), out _, out _);

        Assert.False(result.Ok);
        Assert.Equal("(upstream)", result.Error!.Field);
    }
}
