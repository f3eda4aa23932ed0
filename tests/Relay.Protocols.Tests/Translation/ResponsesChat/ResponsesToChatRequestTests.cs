using System.Text.Json;
using Relay.Protocols.Translation.ResponsesChat;

namespace Relay.Protocols.Tests.Translation.ResponsesChat;

public sealed class ResponsesToChatRequestTests
{
    private static JsonElement Codex(out Relay.Protocols.Translation.Responses.ResponsesTurn turn, ResponsesChatOptions? options = null) =>
        ResponsesChatKit.Request(ResponsesChatKit.Load("codex-request.json"), out turn, options);

    [Fact]
    public void A_Codex_request_becomes_the_golden_Chat_request()
    {
        ResponsesChatKit.Golden("chat-from-codex-request.json", ResponsesChatKit.Pretty(Codex(out _)));
    }

    [Fact]
    public void Instructions_and_developer_messages_become_system_messages_in_order()
    {
        var messages = Codex(out _).GetProperty("messages").EnumerateArray().ToList();

        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.StartsWith("You are Codex", messages[0].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("system", messages[1].GetProperty("role").GetString());
        Assert.Contains("workspace-write", messages[1].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(["system", "system", "user", "user", "assistant", "tool", "tool", "tool", "user", "user"],
            messages.Select(m => m.GetProperty("role").GetString()));
    }

    [Fact]
    public void Assistant_text_and_consecutive_calls_share_one_assistant_message_and_outputs_become_tool_messages()
    {
        var messages = Codex(out _).GetProperty("messages").EnumerateArray().ToList();

        var assistant = messages[4];
        Assert.Equal("Checking both cities.", assistant.GetProperty("content").GetString());
        var calls = assistant.GetProperty("tool_calls").EnumerateArray().ToList();
        Assert.Equal(["call_SF", "call_PA", "call_PATCH"], calls.Select(c => c.GetProperty("id").GetString()));
        Assert.All(calls, c => Assert.Equal("function", c.GetProperty("type").GetString()));
        var patch = JsonDocument.Parse(calls[2].GetProperty("function").GetProperty("arguments").GetString()!).RootElement;
        Assert.Equal("*** Begin Patch\n*** End Patch\n", patch.GetProperty("input").GetString());

        Assert.Equal(["call_SF", "call_PA", "call_PATCH"], messages[5..8].Select(m => m.GetProperty("tool_call_id").GetString()));
        Assert.Equal("22°C, sun", messages[6].GetProperty("content").GetString());

        // The image the tool returned follows the tool messages as a user message (tool messages hold text only).
        var image = messages[8].GetProperty("content").EnumerateArray().Single(p => p.GetProperty("type").GetString() == "image_url");
        Assert.Equal("https://example.com/paris.png", image.GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void Reasoning_is_left_out_by_default_and_only_Relays_Chat_reasoning_goes_back_when_asked()
    {
        var plain = Codex(out _).GetProperty("messages").EnumerateArray();
        Assert.DoesNotContain(plain, m => m.TryGetProperty("reasoning_content", out _));

        var kept = Codex(out _, ResponsesChatKit.Options with { KeepReasoningContent = true }).GetProperty("messages").EnumerateArray().ToList();
        var withReasoning = Assert.Single(kept, m => m.TryGetProperty("reasoning_content", out _));
        Assert.Equal("Two cities, two calls; then the patch.", withReasoning.GetProperty("reasoning_content").GetString());
        Assert.Equal(3, withReasoning.GetProperty("tool_calls").GetArrayLength());
    }

    [Fact]
    public void Tools_choice_effort_and_stream_options_are_mapped_and_OpenAI_bookkeeping_is_not_sent()
    {
        var request = Codex(out var turn);

        var tools = request.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(["exec_command", "get_weather", "apply_patch"], tools.Select(t => t.GetProperty("function").GetProperty("name").GetString()));
        var patch = tools[2].GetProperty("function");
        Assert.Contains("lark grammar", patch.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("string", patch.GetProperty("parameters").GetProperty("properties").GetProperty("input").GetProperty("type").GetString());
        Assert.Equal("auto", request.GetProperty("tool_choice").GetString());
        Assert.True(request.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("medium", request.GetProperty("reasoning_effort").GetString());
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.True(request.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        foreach (var absent in new[] { "store", "include", "prompt_cache_key", "text", "client_metadata", "max_tokens", "reasoning" })
        {
            Assert.False(request.TryGetProperty(absent, out _), absent);
        }

        Assert.Contains("apply_patch", turn.FreeformToolNames);
        Assert.Equal("medium", turn.ReasoningEffort);
    }

    [Fact]
    public void Limits_sampling_named_choices_structured_output_and_user_are_mapped()
    {
        var request = ResponsesChatKit.Request("""
            {"model":"m","input":"Hi","max_output_tokens":512,"temperature":1.5,"top_p":0.9,"parallel_tool_calls":false,
             "tools":[{"type":"custom","name":"apply_patch"}],"tool_choice":{"type":"custom","name":"apply_patch"},
             "reasoning":{"effort":"none"},"safety_identifier":"u-1","user":"ignored",
             "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"},"strict":true}}}
            """, out var turn, ResponsesChatKit.Options with { UpstreamModel = "deepseek-v3" });

        Assert.Equal("deepseek-v3", request.GetProperty("model").GetString());
        Assert.Equal("Hi", request.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(512, request.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1.5, request.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, request.GetProperty("top_p").GetDouble());
        Assert.False(request.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("apply_patch", request.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.False(request.TryGetProperty("reasoning_effort", out _));
        Assert.Equal("u-1", request.GetProperty("user").GetString());
        Assert.False(request.GetProperty("stream").GetBoolean());
        Assert.False(request.TryGetProperty("stream_options", out _));
        var format = request.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("out", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal("m", turn.RequestedModel);
        Assert.Equal(512, turn.MaxOutputTokens);
    }

    [Fact]
    public void Without_tools_there_is_no_tool_choice_or_parallel_tool_calls()
    {
        var request = ResponsesChatKit.Request("""{"model":"m","input":"Hi","tools":[{"type":"web_search"}],"tool_choice":"auto","parallel_tool_calls":true}""", out _);

        Assert.False(request.TryGetProperty("tools", out _));
        Assert.False(request.TryGetProperty("tool_choice", out _));
        Assert.False(request.TryGetProperty("parallel_tool_calls", out _));
    }

    [Theory]
    [InlineData("""{"model":"m","input":"Hi","previous_response_id":"resp_1"}""", "previous_response_id")]
    [InlineData("""{"model":"m","input":"Hi","conversation":"conv_1"}""", "conversation")]
    [InlineData("""{"model":"m","input":"Hi","background":true}""", "background")]
    [InlineData("""{"model":"m","input":"Hi","truncation":"auto"}""", "truncation")]
    [InlineData("""{"model":"m","input":"Hi","top_logprobs":3}""", "top_logprobs")]
    [InlineData("""{"model":"m","input":"Hi","max_tool_calls":3}""", "max_tool_calls")]
    [InlineData("""{"model":"m","input":"Hi","prompt":{"id":"pmpt_1"}}""", "prompt")]
    [InlineData("""{"model":"m","input":"Hi","frobnicate":1}""", "frobnicate")]
    [InlineData("""{"model":"m","input":"Hi","temperature":2.5}""", "temperature")]
    [InlineData("""{"model":"m","input":"Hi","reasoning":{"effort":"max"}}""", "reasoning.effort")]
    [InlineData("""{"model":"m","input":"Hi","text":{"format":{"type":"xml"}}}""", "text.format.type")]
    [InlineData("""{"model":"m","input":"Hi","tools":[{"type":"file_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","input":"Hi","tools":[{"type":"web_search"}],"tool_choice":{"type":"web_search"}}""", "tool_choice")]
    [InlineData("""{"model":"m","input":"Hi","tool_choice":"required"}""", "tool_choice")]
    [InlineData("""{"model":"m","input":"Hi","tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"function","name":"g"}}""", "tool_choice.name")]
    [InlineData("""{"model":"m","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":[{"type":"compaction","encrypted_content":"x"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","file_id":"file-1"}]}]}""", "input[0].content[0].file_id")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_image","image_url":"ftp://x/y.png"}]}]}""", "input[0].content[0].image_url")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"file-1"}]}]}""", "input[0].content[0]")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"m","input":[{"role":"developer","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]}""", "input[0].content")]
    [InlineData("""{"model":"m","input":[{"role":"tool","content":"x"}]}""", "input[0].role")]
    [InlineData("""{"model":"m","input":[{"type":"reasoning","encrypted_content":"relay.chat.v1:***"}, {"role":"user","content":"Hi"}]}""", "input[0].encrypted_content")]
    [InlineData("""{"model":"m","input":[{"role":"system","content":"Only rules"}]}""", "input")]
    [InlineData("""{"input":"Hi"}""", "model")]
    public void What_Chat_cannot_express_is_refused_naming_the_field(string json, string field)
    {
        var error = ResponsesChatKit.Refusal(json);

        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_reasoning_and_web_search_records_are_left_out_without_refusing()
    {
        var request = ResponsesChatKit.Request("""
            {"model":"m","input":[
              {"type":"reasoning","summary":[],"encrypted_content":"relay.anthropic.v1:eyJ0eXBlIjoidGhpbmtpbmcifQ=="},
              {"type":"web_search_call","id":"ws_1","status":"completed","action":{"type":"search","query":"x"}},
              {"role":"assistant","content":[{"type":"output_text","text":"Found it."}]},
              {"role":"user","content":"And?"}]}
            """, out _, ResponsesChatKit.Options with { KeepReasoningContent = true });

        var messages = request.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.False(messages[0].TryGetProperty("reasoning_content", out _));
    }
}
