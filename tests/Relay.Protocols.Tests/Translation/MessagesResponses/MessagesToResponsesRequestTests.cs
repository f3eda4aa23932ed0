using System.Text;
using System.Text.Json;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.MessagesResponses;

namespace Relay.Protocols.Tests.Translation.MessagesResponses;

public sealed class MessagesToResponsesRequestTests
{
    private static JsonElement Translate(string json, string? upstreamModel = null)
    {
        var result = MessagesToResponsesRequest.Translate(Encoding.UTF8.GetBytes(json), upstreamModel);
        Assert.True(result.Ok, result.Error?.ToString());
        return JsonDocument.Parse(result.Body!).RootElement;
    }

    private static TranslationError Refuse(string json)
    {
        var result = MessagesToResponsesRequest.Translate(Encoding.UTF8.GetBytes(json), null);
        Assert.False(result.Ok);
        return result.Error!;
    }

    [Fact]
    public void A_simple_request_maps_system_limits_sampling_user_and_stream()
    {
        var r = Translate("""
            {"model":"claude-sonnet-4-5","max_tokens":1024,"temperature":0.5,"top_p":0.9,"stream":true,
             "system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Be kind."}],
             "metadata":{"user_id":"u1"},
             "messages":[{"role":"user","content":"Hi"}]}
            """, "gpt-5");

        Assert.Equal("gpt-5", r.GetProperty("model").GetString());
        Assert.Equal("You are terse.\n\nBe kind.", r.GetProperty("instructions").GetString());
        Assert.Equal(1024, r.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal(0.5, r.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, r.GetProperty("top_p").GetDouble());
        Assert.True(r.GetProperty("stream").GetBoolean());
        Assert.False(r.GetProperty("store").GetBoolean());
        Assert.Equal("u1", r.GetProperty("safety_identifier").GetString());
        var item = Assert.Single(r.GetProperty("input").EnumerateArray());
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("user", item.GetProperty("role").GetString());
        Assert.Equal("input_text", item.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("Hi", item.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(r.TryGetProperty("max_tokens", out _));
    }

    [Fact]
    public void The_model_is_kept_without_a_mapping_and_a_long_user_id_is_hashed_to_64_characters()
    {
        string longId = "user_" + new string('a', 64) + "_account_x_session_y";
        var r = Translate($$"""{"model":"claude-sonnet-4-5","max_tokens":10,"metadata":{"user_id":"{{longId}}"},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal("claude-sonnet-4-5", r.GetProperty("model").GetString());
        Assert.Equal(64, r.GetProperty("safety_identifier").GetString()!.Length);
        Assert.Equal(MessagesToResponsesRequest.SafetyIdentifier(longId), r.GetProperty("safety_identifier").GetString());
        Assert.False(r.TryGetProperty("stream", out _));
    }

    [Fact]
    public void A_multi_turn_tool_loop_becomes_ordered_items_with_thinking_dropped()
    {
        var r = Translate("""
            {"model":"m","max_tokens":100,
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}],
             "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather?"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}},{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]},
               {"role":"assistant","content":[
                 {"type":"thinking","thinking":"hmm","signature":"sig"},
                 {"type":"text","text":"Checking."},
                 {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"SF"}},
                 {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"location":"Paris"}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"toolu_1","content":"Sunny"},
                 {"type":"tool_result","tool_use_id":"toolu_2","is_error":true,"content":[{"type":"text","text":"timeout"}]},
                 {"type":"text","text":"Thanks"}]},
               {"role":"assistant","content":"SF is sunny."},
               {"role":"user","content":"And tomorrow?"}]}
            """);

        var items = r.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["message", "message", "function_call", "function_call", "function_call_output", "function_call_output", "message", "message", "message"],
            items.Select(i => i.GetProperty("type").GetString()!).ToList());

        var first = items[0].GetProperty("content");
        Assert.Equal("input_image", first[1].GetProperty("type").GetString());
        Assert.Equal("data:image/jpeg;base64,AAAA", first[1].GetProperty("image_url").GetString());
        Assert.Equal("https://x/y.png", first[2].GetProperty("image_url").GetString());

        Assert.Equal("assistant", items[1].GetProperty("role").GetString());
        var assistantContent = Assert.Single(items[1].GetProperty("content").EnumerateArray());
        Assert.Equal("output_text", assistantContent.GetProperty("type").GetString());
        Assert.Equal("Checking.", assistantContent.GetProperty("text").GetString());
        Assert.DoesNotContain("hmm", r.GetRawText(), StringComparison.Ordinal);

        Assert.Equal("toolu_1", items[2].GetProperty("call_id").GetString());
        Assert.Equal("get_weather", items[2].GetProperty("name").GetString());
        Assert.Equal("SF", JsonDocument.Parse(items[2].GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());
        Assert.Equal("toolu_2", items[3].GetProperty("call_id").GetString());

        Assert.Equal("toolu_1", items[4].GetProperty("call_id").GetString());
        Assert.Equal("Sunny", items[4].GetProperty("output").GetString());
        Assert.Equal("Error: timeout", items[5].GetProperty("output").GetString());
        Assert.Equal("Thanks", items[6].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("SF is sunny.", items[7].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("output_text", items[7].GetProperty("content")[0].GetProperty("type").GetString());

        var tool = Assert.Single(r.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("get_weather", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("parameters").GetProperty("type").GetString());
        Assert.False(tool.GetProperty("strict").GetBoolean());
        Assert.Equal("auto", r.GetProperty("tool_choice").GetString());
        Assert.False(r.GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Fact]
    public void Tool_results_with_images_keep_them_in_the_output_list()
    {
        var r = Translate("""
            {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
              {"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"shot"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"QQ=="}}]}]}]}
            """);

        var output = r.GetProperty("input")[0].GetProperty("output");
        Assert.Equal("input_text", output[0].GetProperty("type").GetString());
        Assert.Equal("input_image", output[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64,QQ==", output[1].GetProperty("image_url").GetString());
    }

    [Theory]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"get_weather"}""", """{"type":"function","name":"get_weather"}""")]
    public void Tool_choice_maps(string choice, string expected)
    {
        var r = Translate($$$"""{"model":"m","max_tokens":10,"tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{{{choice}}},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(expected, r.GetProperty("tool_choice").GetRawText());
        Assert.False(r.TryGetProperty("parallel_tool_calls", out _));
    }

    [Theory]
    [InlineData(1024, "low")]
    [InlineData(8000, "medium")]
    [InlineData(31999, "high")]
    public void A_thinking_budget_becomes_an_effort_with_a_summary(int budget, string effort)
    {
        var r = Translate($$"""{"model":"m","max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":{{budget}}},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(effort, r.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.Equal("auto", r.GetProperty("reasoning").GetProperty("summary").GetString());
    }

    [Fact]
    public void Disabled_thinking_and_empty_stop_sequences_send_nothing()
    {
        var r = Translate("""{"model":"m","max_tokens":10,"thinking":{"type":"disabled"},"stop_sequences":[],"messages":[{"role":"user","content":"x"}]}""");

        Assert.False(r.TryGetProperty("reasoning", out _));
        Assert.False(r.TryGetProperty("stop", out _));
    }

    [Fact]
    public void A_json_schema_output_format_becomes_text_format()
    {
        var r = Translate("""{"model":"m","max_tokens":10,"output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}},"messages":[{"role":"user","content":"x"}]}""");

        var format = r.GetProperty("text").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("object", format.GetProperty("schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":10,"stop_sequences":["END"],"messages":[]}""", "stop_sequences")]
    [InlineData("""{"model":"m","max_tokens":10,"top_k":5,"messages":[]}""", "top_k")]
    [InlineData("""{"model":"m","max_tokens":10,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[]}""", "tools[0].type")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"document","source":{}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages[0].content[0].source.type")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"system","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[]}""", "max_tokens")]
    [InlineData("""{"max_tokens":10,"messages":[]}""", "model")]
    [InlineData("""{"model":"m","max_tokens":10,"system":[{"type":"image"}],"messages":[]}""", "system[0]")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"document"}]}]}]}""", "messages[0].content[0].content[0]")]
    [InlineData("""not json""", "body")]
    public void What_responses_cannot_express_is_refused_naming_the_field(string json, string field)
    {
        var error = Refuse(json);

        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
