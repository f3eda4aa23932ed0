using System.Text.Json;

namespace Relay.Protocols.Tests.Translation.Responses;

public sealed class ResponsesToMessagesRequestTests
{
    private static string Body(string fields) => "{\"model\":\"claude-sonnet-4-5\"," + fields + "}";

    [Fact]
    public void Codex_request_becomes_an_Anthropic_request_with_system_tools_thinking_and_defaults()
    {
        var anthropic = ResponsesKit.Request(ResponsesKit.Load("codex-request.json"), out var turn);

        Assert.Equal("claude-sonnet-4-5", anthropic.GetProperty("model").GetString());
        Assert.Equal(32_000, anthropic.GetProperty("max_tokens").GetInt32());
        Assert.True(anthropic.GetProperty("stream").GetBoolean());
        Assert.Equal("enabled", anthropic.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(10_000, anthropic.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());

        // Instructions first, then the developer message, both with system authority.
        var system = anthropic.GetProperty("system");
        Assert.Equal(2, system.GetArrayLength());
        Assert.StartsWith("You are Codex", system[0].GetProperty("text").GetString());
        Assert.Contains("workspace-write", system[1].GetProperty("text").GetString());

        // The two user items merge into one user message.
        var messages = anthropic.GetProperty("messages");
        Assert.Equal(1, messages.GetArrayLength());
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal(2, messages[0].GetProperty("content").GetArrayLength());

        // Hosted web search is not offered to Claude; the free-form apply_patch is a one-string tool with its grammar;
        // the multi_agent_v1 namespace's tools are flat namespace__name tools.
        var tools = anthropic.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["exec_command", "get_weather", "apply_patch", "multi_agent_v1__spawn_agent", "multi_agent_v1__send_input",
            "multi_agent_v1__wait_agent", "multi_agent_v1__close_agent"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(("multi_agent_v1", "close_agent"), turn.NamespacedTools["multi_agent_v1__close_agent"]);
        Assert.Equal("cmd", tools[0].GetProperty("input_schema").GetProperty("required")[0].GetString());
        var patch = tools[2];
        Assert.Equal("string", patch.GetProperty("input_schema").GetProperty("properties").GetProperty("input").GetProperty("type").GetString());
        Assert.Contains("*** Begin Patch", patch.GetProperty("description").GetString());
        Assert.Equal("auto", anthropic.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Contains("apply_patch", turn.FreeformToolNames);

        // Nothing of OpenAI's own bookkeeping reaches Anthropic.
        foreach (var name in new[] { "prompt_cache_key", "store", "include", "text", "reasoning", "client_metadata", "instructions", "input" })
        {
            Assert.False(anthropic.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public void Cache_breakpoints_mark_the_last_tool_the_system_prompt_and_the_end_of_the_conversation()
    {
        var anthropic = ResponsesKit.Request(ResponsesKit.Load("codex-request.json"), out _);

        var tools = anthropic.GetProperty("tools");
        Assert.True(tools[tools.GetArrayLength() - 1].TryGetProperty("cache_control", out _));
        Assert.False(tools[2].TryGetProperty("cache_control", out _));
        Assert.False(anthropic.GetProperty("tools")[0].TryGetProperty("cache_control", out _));
        Assert.True(anthropic.GetProperty("system")[1].TryGetProperty("cache_control", out _));
        var content = anthropic.GetProperty("messages")[0].GetProperty("content");
        Assert.True(content[1].TryGetProperty("cache_control", out _));
        Assert.False(content[0].TryGetProperty("cache_control", out _));

        var plain = ResponsesKit.Request(ResponsesKit.Load("codex-request.json"), out _, ResponsesKit.Options with { AddCacheBreakpoints = false });
        Assert.DoesNotContain("cache_control", plain.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parallel_calls_merge_into_one_assistant_message_and_their_outputs_into_one_user_message()
    {
        var anthropic = ResponsesKit.Request(Body("""
            "input":[
              {"role":"user","content":"weather?"},
              {"type":"function_call","call_id":"call_a","name":"get_weather","arguments":"{\"location\":\"SF\"}"},
              {"type":"function_call","call_id":"call_b","name":"get_weather","arguments":"{\"location\":\"Paris\"}"},
              {"type":"function_call_output","call_id":"call_a","output":"18C"},
              {"type":"function_call_output","call_id":"call_b","output":[{"type":"input_text","text":"21C"}]}
            ],
            "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}]
            """), out _);

        var messages = anthropic.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        var calls = messages[1].GetProperty("content");
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal(["call_a", "call_b"], calls.EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.Equal("Paris", calls[1].GetProperty("input").GetProperty("location").GetString());
        var results = messages[2].GetProperty("content");
        Assert.Equal(["call_a", "call_b"], results.EnumerateArray().Select(b => b.GetProperty("tool_use_id").GetString()));
        Assert.Equal("18C", results[0].GetProperty("content").GetString());
        Assert.Equal("21C", results[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Images_go_as_base64_or_as_a_url_for_Anthropic_to_fetch()
    {
        var anthropic = ResponsesKit.Request(Body("""
            "input":[{"role":"user","content":[
              {"type":"input_text","text":"compare"},
              {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="},
              {"type":"input_image","image_url":"https://example.com/cat.jpg","detail":"auto"}]}]
            """), out _);

        var content = anthropic.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("base64", content[1].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("image/png", content[1].GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal("iVBORw0KGgo=", content[1].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal("https://example.com/cat.jpg", content[2].GetProperty("source").GetProperty("url").GetString());
    }

    [Fact]
    public void OpenAI_reasoning_items_are_left_out_and_thinking_is_off_for_a_tool_loop_Claude_did_not_think_in()
    {
        var anthropic = ResponsesKit.Request(Body("""
            "reasoning":{"effort":"high"},
            "input":[
              {"role":"user","content":"list files"},
              {"type":"reasoning","summary":[{"type":"summary_text","text":"I should run ls"}],"encrypted_content":"gAAAAABo-openai-opaque"},
              {"type":"function_call","call_id":"call_1","name":"exec_command","arguments":"{\"cmd\":\"ls\"}"},
              {"type":"function_call_output","call_id":"call_1","output":"README.md"}
            ],
            "tools":[{"type":"function","name":"exec_command","parameters":{"type":"object","properties":{"cmd":{"type":"string"}}}}]
            """), out _);

        Assert.DoesNotContain("gAAAAABo", anthropic.GetRawText(), StringComparison.Ordinal);
        Assert.False(anthropic.TryGetProperty("thinking", out _));
        Assert.Equal("tool_use", anthropic.GetProperty("messages")[1].GetProperty("content")[0].GetProperty("type").GetString());
    }

    [Fact]
    public void Parallel_tool_calls_false_and_required_tool_choice_are_carried()
    {
        var anthropic = ResponsesKit.Request(Body("""
            "input":"hi","parallel_tool_calls":false,"tool_choice":{"type":"function","name":"f"},
            "tools":[{"type":"function","name":"f"}],"max_output_tokens":2048,"temperature":0.2,"user":"alice"
            """), out var turn);

        var choice = anthropic.GetProperty("tool_choice");
        Assert.Equal("tool", choice.GetProperty("type").GetString());
        Assert.Equal("f", choice.GetProperty("name").GetString());
        Assert.True(choice.GetProperty("disable_parallel_tool_use").GetBoolean());
        Assert.Equal("object", anthropic.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Equal(2048, anthropic.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.2, anthropic.GetProperty("temperature").GetDouble());
        Assert.Equal("alice", anthropic.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.Equal(2048, turn.MaxOutputTokens);
    }

    [Fact]
    public void A_small_max_output_tokens_leaves_no_room_for_thinking_so_thinking_is_off()
    {
        var anthropic = ResponsesKit.Request(Body("\"input\":\"hi\",\"max_output_tokens\":1500,\"reasoning\":{\"effort\":\"high\"}"), out _);

        Assert.False(anthropic.TryGetProperty("thinking", out _));
    }

    [Fact]
    public void Upstream_model_option_replaces_the_model()
    {
        var anthropic = ResponsesKit.Request(Body("\"input\":\"hi\""), out var turn, ResponsesKit.Options with { UpstreamModel = "claude-opus-4-1" });

        Assert.Equal("claude-opus-4-1", anthropic.GetProperty("model").GetString());
        Assert.Equal("claude-sonnet-4-5", turn.RequestedModel);
    }

    [Theory]
    [InlineData("\"input\":\"hi\",\"previous_response_id\":\"resp_1\"", "previous_response_id", "does not store conversations")]
    [InlineData("\"input\":\"hi\",\"conversation\":\"conv_1\"", "conversation", "does not store")]
    [InlineData("\"input\":\"hi\",\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[\"vs_1\"]}]", "tools[0].type", "file_search")]
    [InlineData("\"input\":\"hi\",\"tools\":[{\"type\":\"local_shell\"}]", "tools[0].type", "local_shell")]
    [InlineData("\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}],\"tool_choice\":{\"type\":\"web_search\"}", "tool_choice", "web search")]
    [InlineData("\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{}}}", "text.format", "structured output")]
    [InlineData("\"input\":\"hi\",\"frobnicate\":true", "frobnicate", "cannot be sent")]
    [InlineData("\"input\":\"hi\",\"temperature\":1.5", "temperature", "0 to 1")]
    [InlineData("\"input\":\"hi\",\"reasoning\":{\"effort\":\"ultra\"}", "reasoning.effort", "must be one of")]
    [InlineData("\"input\":\"hi\",\"reasoning\":{\"effort\":\"low\"},\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}]", "tool_choice", "while reasoning")]
    [InlineData("\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]", "input[0].type", "conversation store")]
    [InlineData("\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"{not json\"}]", "input[0].arguments", "not valid JSON")]
    [InlineData("\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file_1\"}]}]", "input[0].content[0].file_id", "file store")]
    [InlineData("\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"file:///etc/passwd\"}]}]", "input[0].content[0].image_url", "http(s)")]
    [InlineData("\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]", "input[0].content[0].type", "input_audio")]
    [InlineData("\"input\":[{\"type\":\"reasoning\",\"summary\":[],\"encrypted_content\":\"relay.anthropic.v1:@@not-base64@@\"}]", "input[0].encrypted_content", "damaged")]
    [InlineData("\"input\":[]", "input", "no user or assistant content")]
    public void Refusals_name_the_field_and_say_why(string fields, string field, string reason)
    {
        var error = ResponsesKit.Refusal(Body(fields));

        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_body_that_is_not_JSON_is_refused()
    {
        Assert.Equal("(body)", ResponsesKit.Refusal("{\"model\":").Field);
        Assert.Equal("model", ResponsesKit.Refusal("{\"input\":\"hi\"}").Field);
    }
}
