using System.Text;
using System.Text.Json;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Tests.Translation.Responses;

/// <summary>
/// Codex (0.169) offers some of its tools inside a <c>namespace</c> tool (<c>multi_agent_v1</c>: spawn_agent, …) on
/// every request. Claude gets them as flat <c>namespace__name</c> tools; its calls come back under the tool's own
/// name with the namespace, and a later turn's history maps back to the flat name.
/// </summary>
public sealed class NamespaceToolTests
{
    private const string Tools = """
        "tools":[
          {"type":"function","name":"exec_command","parameters":{"type":"object","properties":{"cmd":{"type":"string"}}}},
          {"type":"namespace","name":"multi_agent_v1","description":"Tools for spawning and managing sub-agents.","tools":[
            {"type":"function","name":"spawn_agent","description":"Spawn a sub-agent.","strict":false,"parameters":{"type":"object","properties":{"task":{"type":"string"}},"required":["task"]}},
            {"type":"function","name":"close_agent","description":"Close an agent.","parameters":{"type":"object","properties":{"target":{"type":"string"}}}}]},
          {"type":"web_search","external_web_access":false}]
        """;

    private static string Request(string input, string extra = "") =>
        "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"input\":" + input + "," + Tools + extra + "}";

    [Fact]
    public void A_namespace_is_offered_to_claude_as_flat_tools_and_remembered_for_the_answer()
    {
        var anthropic = ResponsesKit.Request(Request("\"Say hello\""), out var turn);

        var tools = anthropic.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["exec_command", "multi_agent_v1__spawn_agent", "multi_agent_v1__close_agent"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("task", tools[1].GetProperty("input_schema").GetProperty("required")[0].GetString());
        Assert.Contains("sub-agents", tools[1].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("Spawn a sub-agent.", tools[1].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.False(tools[1].TryGetProperty("strict", out _));
        Assert.Equal(("multi_agent_v1", "spawn_agent"), turn.NamespacedTools["multi_agent_v1__spawn_agent"]);
        Assert.False(turn.NamespacedTools.ContainsKey("exec_command"));
    }

    [Fact]
    public void A_tool_choice_naming_a_namespaced_tool_picks_its_flat_name()
    {
        var anthropic = ResponsesKit.Request(Request("\"Spawn\"", ",\"tool_choice\":{\"type\":\"function\",\"namespace\":\"multi_agent_v1\",\"name\":\"spawn_agent\"}"), out _);

        Assert.Equal("tool", anthropic.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("multi_agent_v1__spawn_agent", anthropic.GetProperty("tool_choice").GetProperty("name").GetString());
    }

    [Fact]
    public void A_namespace_listed_twice_is_translated_and_left_for_the_upstream_to_judge()
    {
        const string ns = "{\"type\":\"namespace\",\"name\":\"ns\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}";
        var anthropic = ResponsesKit.Request("{\"model\":\"claude-sonnet-4-5\",\"input\":\"hi\",\"tools\":[" + ns + "," + ns + "]}", out var turn);

        Assert.Equal(2, anthropic.GetProperty("tools").GetArrayLength());
        Assert.Equal(("ns", "f"), turn.NamespacedTools["ns__f"]);
    }

    [Fact]
    public void A_namespace_holding_a_hosted_tool_is_refused_naming_it()
    {
        var error = ResponsesKit.Refusal("""{"model":"claude-sonnet-4-5","input":"hi","tools":[{"type":"namespace","name":"ns","tools":[{"type":"file_search"}]}]}""");

        Assert.Equal("tools[0].tools[0].type", error.Field);
    }

    [Fact]
    public void An_earlier_namespaced_call_in_the_history_goes_to_claude_under_the_flat_name()
    {
        const string input = """
            [{"type":"message","role":"user","content":[{"type":"input_text","text":"Spawn a helper"}]},
             {"type":"function_call","call_id":"toolu_01Spawn","name":"spawn_agent","namespace":"multi_agent_v1","arguments":"{\"task\":\"count\"}"},
             {"type":"function_call_output","call_id":"toolu_01Spawn","output":"agent-1"}]
            """;

        var anthropic = ResponsesKit.Request(Request(input), out _);

        var messages = anthropic.GetProperty("messages");
        var use = messages[1].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal("multi_agent_v1__spawn_agent", use.GetProperty("name").GetString());
        Assert.Equal("count", use.GetProperty("input").GetProperty("task").GetString());
    }

    [Fact]
    public void Claudes_call_of_a_namespaced_tool_is_answered_with_its_own_name_and_namespace_streamed_and_not()
    {
        ResponsesKit.Request(Request("\"Spawn a helper\""), out var turn);
        const string stream =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01Spawn\",\"name\":\"multi_agent_v1__spawn_agent\",\"input\":{}}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"task\\\":\\\"count\\\"}\"}}\n\n" +
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":20}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

        var events = ResponsesKit.Events(ResponsesKit.Stream(stream, new MessagesToResponsesStream(turn)));

        var added = events.Single(e => e.Name == "response.output_item.added").Data.GetProperty("item");
        Assert.Equal("spawn_agent", added.GetProperty("name").GetString());
        Assert.Equal("multi_agent_v1", added.GetProperty("namespace").GetString());
        Assert.Equal("spawn_agent", events.Single(e => e.Name == "response.function_call_arguments.done").Data.GetProperty("name").GetString());
        var done = events.Single(e => e.Name == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal("function_call", done.GetProperty("type").GetString());
        Assert.Equal("spawn_agent", done.GetProperty("name").GetString());
        Assert.Equal("multi_agent_v1", done.GetProperty("namespace").GetString());
        Assert.Equal("{\"task\":\"count\"}", done.GetProperty("arguments").GetString());
        var final = events[^1].Data.GetProperty("response").GetProperty("output")[0];
        Assert.Equal("multi_agent_v1", final.GetProperty("namespace").GetString());

        const string json = """{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_01Spawn","name":"multi_agent_v1__spawn_agent","input":{"task":"count"}},{"type":"tool_use","id":"toolu_02Exec","name":"exec_command","input":{"cmd":"ls"}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":20}}""";
        var result = MessagesToResponsesResponse.Translate(Encoding.UTF8.GetBytes(json), turn, out _, out _);
        var output = JsonDocument.Parse(result.Body).RootElement.GetProperty("output");
        Assert.Equal("spawn_agent", output[0].GetProperty("name").GetString());
        Assert.Equal("multi_agent_v1", output[0].GetProperty("namespace").GetString());
        Assert.Equal("exec_command", output[1].GetProperty("name").GetString());
        Assert.False(output[1].TryGetProperty("namespace", out _));
    }
}
