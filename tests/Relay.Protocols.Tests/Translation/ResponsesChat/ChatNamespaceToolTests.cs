using System.Text;
using System.Text.Json;
using Relay.Protocols.Translation.ResponsesChat;

namespace Relay.Protocols.Tests.Translation.ResponsesChat;

/// <summary>
/// Codex (0.169) offers some of its tools inside a <c>namespace</c> tool (<c>multi_agent_v1</c>: spawn_agent, …) on
/// every request. A Chat Completions host gets them as flat <c>namespace__name</c> functions, as Claude does
/// (<see cref="Responses.NamespaceToolTests"/>); its calls come back under the tool's own name with the namespace, and
/// a later turn's history maps back to the flat name.
/// </summary>
public sealed class ChatNamespaceToolTests
{
    private const string Tools = """
        "tools":[
          {"type":"function","name":"exec_command","parameters":{"type":"object","properties":{"cmd":{"type":"string"}}}},
          {"type":"namespace","name":"multi_agent_v1","description":"Tools for spawning and managing sub-agents.","tools":[
            {"type":"function","name":"spawn_agent","description":"Spawn a sub-agent.","strict":false,"parameters":{"type":"object","properties":{"task":{"type":"string"}},"required":["task"]}},
            {"type":"function","name":"close_agent","description":"Close an agent.","parameters":{"type":"object","properties":{"target":{"type":"string"}}}}]},
          {"type":"namespace","name":"editor","tools":[
            {"type":"custom","name":"apply_patch","description":"Edit files."}]},
          {"type":"web_search","external_web_access":false}]
        """;

    private static string Request(string input, string extra = "") =>
        "{\"model\":\"deepseek-chat\",\"stream\":true,\"input\":" + input + "," + Tools + extra + "}";

    [Fact]
    public void A_namespace_is_offered_to_the_host_as_flat_functions_and_remembered_for_the_answer()
    {
        var chat = ResponsesChatKit.Request(Request("\"Say hello\""), out var turn);

        var functions = chat.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        Assert.Equal(["exec_command", "multi_agent_v1__spawn_agent", "multi_agent_v1__close_agent", "editor__apply_patch"],
            functions.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("task", functions[1].GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.Contains("sub-agents", functions[1].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("Spawn a sub-agent.", functions[1].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("string", functions[3].GetProperty("parameters").GetProperty("properties").GetProperty("input").GetProperty("type").GetString());
        Assert.Equal(("multi_agent_v1", "spawn_agent"), turn.NamespacedTools["multi_agent_v1__spawn_agent"]);
        Assert.Equal(("editor", "apply_patch"), turn.NamespacedTools["editor__apply_patch"]);
        Assert.Contains("editor__apply_patch", turn.FreeformToolNames);
        Assert.False(turn.NamespacedTools.ContainsKey("exec_command"));
    }

    [Fact]
    public void A_tool_choice_naming_a_namespaced_tool_picks_its_flat_name()
    {
        var chat = ResponsesChatKit.Request(Request("\"Spawn\"", ",\"tool_choice\":{\"type\":\"function\",\"namespace\":\"multi_agent_v1\",\"name\":\"spawn_agent\"}"), out _);

        Assert.Equal("function", chat.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("multi_agent_v1__spawn_agent", chat.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public void A_namespace_listed_twice_is_translated_and_left_for_the_upstream_to_judge()
    {
        const string ns = "{\"type\":\"namespace\",\"name\":\"ns\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]}";
        var chat = ResponsesChatKit.Request("{\"model\":\"deepseek-chat\",\"input\":\"hi\",\"tools\":[" + ns + "," + ns + "]}", out var turn);

        Assert.Equal(2, chat.GetProperty("tools").GetArrayLength());
        Assert.Equal(("ns", "f"), turn.NamespacedTools["ns__f"]);
    }

    [Theory]
    [InlineData("""{"type":"namespace","name":"ns","tools":[{"type":"file_search"}]}""", "tools[0].tools[0].type")]
    [InlineData("""{"type":"namespace","tools":[]}""", "tools[0].name")]
    [InlineData("""{"type":"namespace","name":"ns"}""", "tools[0].tools")]
    [InlineData("""{"type":"namespace","name":"ns","tools":[{"type":"function"}]}""", "tools[0].tools[0].name")]
    public void A_malformed_namespace_or_one_holding_a_hosted_tool_is_refused_naming_the_field(string tool, string field)
    {
        var error = ResponsesChatKit.Refusal("{\"model\":\"deepseek-chat\",\"input\":\"hi\",\"tools\":[" + tool + "]}");

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Earlier_namespaced_calls_in_the_history_go_to_the_host_under_the_flat_name()
    {
        const string input = """
            [{"type":"message","role":"user","content":[{"type":"input_text","text":"Spawn a helper"}]},
             {"type":"function_call","call_id":"call_Spawn","name":"spawn_agent","namespace":"multi_agent_v1","arguments":"{\"task\":\"count\"}"},
             {"type":"custom_tool_call","call_id":"call_Patch","name":"apply_patch","namespace":"editor","input":"*** Begin Patch"},
             {"type":"function_call_output","call_id":"call_Spawn","output":"agent-1"},
             {"type":"custom_tool_call_output","call_id":"call_Patch","output":"done"}]
            """;

        var chat = ResponsesChatKit.Request(Request(input), out _);

        var calls = chat.GetProperty("messages")[1].GetProperty("tool_calls");
        Assert.Equal("multi_agent_v1__spawn_agent", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"task\":\"count\"}", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("editor__apply_patch", calls[1].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public void A_streamed_call_of_a_namespaced_tool_is_answered_with_its_own_name_and_namespace()
    {
        ResponsesChatKit.Request(Request("\"Spawn a helper\""), out var turn);
        const string head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"deepseek-chat\",\"choices\":[{\"index\":0,\"delta\":";
        string stream =
            head + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_Spawn\",\"type\":\"function\",\"function\":{\"name\":\"multi_agent_v1__spawn_agent\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n" +
            head + "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"task\\\":\\\"count\\\"}\"}}]},\"finish_reason\":null}]}\n\n" +
            head + "{\"tool_calls\":[{\"index\":1,\"id\":\"call_Patch\",\"type\":\"function\",\"function\":{\"name\":\"editor__apply_patch\",\"arguments\":\"{\\\"input\\\":\\\"*** Begin Patch\\\"}\"}}]},\"finish_reason\":null}]}\n\n" +
            head + "{},\"finish_reason\":\"tool_calls\"}]}\n\n" +
            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"deepseek-chat\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":20,\"total_tokens\":30}}\n\n" +
            "data: [DONE]\n\n";

        var events = ResponsesChatKit.Events(ResponsesChatKit.Stream(stream, turn, new Random(7)));

        var added = events.Where(e => e.Name == "response.output_item.added").Select(e => e.Data.GetProperty("item")).ToList();
        Assert.Equal(["spawn_agent", "apply_patch"], added.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["multi_agent_v1", "editor"], added.Select(i => i.GetProperty("namespace").GetString()));
        Assert.Equal("spawn_agent", events.Single(e => e.Name == "response.function_call_arguments.done").Data.GetProperty("name").GetString());
        var done = events.Where(e => e.Name == "response.output_item.done").Select(e => e.Data.GetProperty("item")).ToList();
        Assert.Equal(["function_call", "custom_tool_call"], done.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(["spawn_agent", "apply_patch"], done.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["multi_agent_v1", "editor"], done.Select(i => i.GetProperty("namespace").GetString()));
        Assert.Equal("{\"task\":\"count\"}", done[0].GetProperty("arguments").GetString());
        Assert.Equal("*** Begin Patch", done[1].GetProperty("input").GetString());
        Assert.Equal("response.completed", events[^1].Name);
        var final = events[^1].Data.GetProperty("response").GetProperty("output");
        Assert.Equal(["multi_agent_v1", "editor"], final.EnumerateArray().Select(i => i.GetProperty("namespace").GetString()));
        Assert.Equal(["spawn_agent", "apply_patch"], final.EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Fact]
    public void A_non_streamed_call_of_a_namespaced_tool_is_answered_with_its_own_name_and_namespace()
    {
        ResponsesChatKit.Request(Request("\"Spawn a helper\""), out var turn);
        const string json = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1760000000,"model":"deepseek-chat","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[
              {"id":"call_Spawn","type":"function","function":{"name":"multi_agent_v1__spawn_agent","arguments":"{\"task\":\"count\"}"}},
              {"id":"call_Patch","type":"function","function":{"name":"editor__apply_patch","arguments":"{\"input\":\"*** Begin Patch\"}"}},
              {"id":"call_Exec","type":"function","function":{"name":"exec_command","arguments":"{\"cmd\":\"ls\"}"}}]}}],
             "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}
            """;

        var result = ChatToResponsesResponse.Translate(Encoding.UTF8.GetBytes(json), turn, out _, out _);

        Assert.True(result.Ok, result.Error?.ToString());
        var output = JsonDocument.Parse(result.Body).RootElement.GetProperty("output");
        Assert.Equal("function_call", output[0].GetProperty("type").GetString());
        Assert.Equal("spawn_agent", output[0].GetProperty("name").GetString());
        Assert.Equal("multi_agent_v1", output[0].GetProperty("namespace").GetString());
        Assert.Equal("custom_tool_call", output[1].GetProperty("type").GetString());
        Assert.Equal("apply_patch", output[1].GetProperty("name").GetString());
        Assert.Equal("editor", output[1].GetProperty("namespace").GetString());
        Assert.Equal("*** Begin Patch", output[1].GetProperty("input").GetString());
        Assert.Equal("exec_command", output[2].GetProperty("name").GetString());
        Assert.False(output[2].TryGetProperty("namespace", out _));
    }
}
