using System.Text;
using System.Text.Json;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.ChatResponses;

namespace Relay.Protocols.Tests.Translation.ChatResponses;

public sealed class ChatToResponsesRequestTests
{
    private static JsonElement Translate(string json, string? upstreamModel = null)
    {
        var result = ChatToResponsesRequest.Translate(Encoding.UTF8.GetBytes(json), upstreamModel);
        Assert.True(result.Ok, result.Error?.ToString());
        return JsonDocument.Parse(result.Body).RootElement;
    }

    private static TranslationError Refusal(string json)
    {
        var result = ChatToResponsesRequest.Translate(Encoding.UTF8.GetBytes(json), null);
        Assert.False(result.Ok);
        Assert.Null(result.Body);
        return result.Error!;
    }

    [Fact]
    public void A_tool_loop_history_becomes_instructions_messages_function_calls_and_outputs()
    {
        var request = Translate("""
            {"model":"gpt-5","stream":true,"stream_options":{"include_usage":true},
             "messages":[
               {"role":"system","content":"You are terse."},
               {"role":"developer","content":[{"type":"text","text":"Use tools."}]},
               {"role":"user","content":[{"type":"text","text":"Weather in SF and Paris?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},
                 {"type":"image_url","image_url":{"url":"https://example.com/map.png"}}]},
               {"role":"assistant","content":"Checking.","reasoning_content":"private","tool_calls":[
                 {"id":"call_SF","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"SF\"}"}},
                 {"id":"call_PA","type":"function","function":{"name":"get_weather","arguments":""}}]},
               {"role":"tool","tool_call_id":"call_SF","content":"18°C"},
               {"role":"tool","tool_call_id":"call_PA","content":[{"type":"text","text":"22°C"}]},
               {"role":"system","content":"Answer in one line."},
               {"role":"user","content":"Thanks"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather.","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}},
                      {"type":"function","function":{"name":"now","strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":true,
             "max_tokens":100,"max_completion_tokens":500,"temperature":0.5,"top_p":0.9,"reasoning_effort":"low",
             "user":"u-1","safety_identifier":"s-1","seed":7,"metadata":{"a":"b"},"store":true}
            """, upstreamModel: "gpt-5-2025-08-07");

        Assert.Equal("gpt-5-2025-08-07", request.GetProperty("model").GetString());
        Assert.Equal("You are terse.\n\nUse tools.", request.GetProperty("instructions").GetString());
        var input = request.GetProperty("input").EnumerateArray().ToList();
        Assert.Equal(["message", "message", "function_call", "function_call", "function_call_output", "function_call_output", "message", "message"],
            input.Select(i => i.GetProperty("type").GetString()));

        var user = input[0].GetProperty("content");
        Assert.Equal("user", input[0].GetProperty("role").GetString());
        Assert.Equal("input_text", user[0].GetProperty("type").GetString());
        Assert.Equal("Weather in SF and Paris?", user[0].GetProperty("text").GetString());
        Assert.Equal("input_image", user[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", user[1].GetProperty("image_url").GetString());
        Assert.Equal("low", user[1].GetProperty("detail").GetString());
        Assert.Equal("https://example.com/map.png", user[2].GetProperty("image_url").GetString());
        Assert.Equal("auto", user[2].GetProperty("detail").GetString());

        Assert.Equal("assistant", input[1].GetProperty("role").GetString());
        Assert.Equal("output_text", input[1].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("Checking.", input[1].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("private", request.GetRawText(), StringComparison.Ordinal);

        Assert.Equal("call_SF", input[2].GetProperty("call_id").GetString());
        Assert.Equal("get_weather", input[2].GetProperty("name").GetString());
        Assert.Equal("{\"location\":\"SF\"}", input[2].GetProperty("arguments").GetString());
        Assert.Equal("{}", input[3].GetProperty("arguments").GetString());
        Assert.Equal("call_SF", input[4].GetProperty("call_id").GetString());
        Assert.Equal("18°C", input[4].GetProperty("output").GetString());
        Assert.Equal("call_PA", input[5].GetProperty("call_id").GetString());
        Assert.Equal("22°C", input[5].GetProperty("output").GetString());
        Assert.Equal("system", input[6].GetProperty("role").GetString());
        Assert.Equal("Answer in one line.", input[6].GetProperty("content").GetString());
        Assert.Equal("Thanks", input[7].GetProperty("content")[0].GetProperty("text").GetString());

        var tools = request.GetProperty("tools");
        Assert.Equal("function", tools[0].GetProperty("type").GetString());
        Assert.Equal("get_weather", tools[0].GetProperty("name").GetString());
        Assert.Equal("Weather.", tools[0].GetProperty("description").GetString());
        Assert.Equal("string", tools[0].GetProperty("parameters").GetProperty("properties").GetProperty("location").GetProperty("type").GetString());
        Assert.False(tools[0].GetProperty("strict").GetBoolean());
        Assert.True(tools[1].GetProperty("strict").GetBoolean());
        Assert.Equal("object", tools[1].GetProperty("parameters").GetProperty("type").GetString());
        Assert.False(tools[0].TryGetProperty("function", out _));

        Assert.Equal("function", request.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.Equal("get_weather", request.GetProperty("tool_choice").GetProperty("name").GetString());
        Assert.True(request.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal(500, request.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal(0.5, request.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, request.GetProperty("top_p").GetDouble());
        Assert.Equal("low", request.GetProperty("reasoning").GetProperty("effort").GetString());
        Assert.True(request.GetProperty("stream").GetBoolean());
        Assert.Equal("s-1", request.GetProperty("safety_identifier").GetString());
        Assert.Equal("u-1", request.GetProperty("user").GetString());
        Assert.False(request.GetProperty("store").GetBoolean());
        foreach (var absent in new[] { "messages", "stream_options", "seed", "metadata", "max_tokens", "reasoning_effort" })
        {
            Assert.False(request.TryGetProperty(absent, out _), absent);
        }
    }

    [Fact]
    public void A_plain_request_keeps_the_model_and_sends_nothing_it_was_not_given()
    {
        var request = Translate("""{"model":"gpt-4.1","messages":[{"role":"user","content":"Hi"}],"max_tokens":64,"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"},"strict":true}}}""");

        Assert.Equal("gpt-4.1", request.GetProperty("model").GetString());
        Assert.False(request.TryGetProperty("instructions", out _));
        Assert.False(request.TryGetProperty("stream", out _));
        Assert.False(request.TryGetProperty("tools", out _));
        Assert.Equal(64, request.GetProperty("max_output_tokens").GetInt32());
        var format = request.GetProperty("text").GetProperty("format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("r", format.GetProperty("name").GetString());
        Assert.True(format.GetProperty("strict").GetBoolean());
        Assert.Equal("Hi", request.GetProperty("input")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("""{"model":"m","n":2,"messages":[{"role":"user","content":"x"}]}""", "n")]
    [InlineData("""{"model":"m","logprobs":true,"messages":[{"role":"user","content":"x"}]}""", "logprobs")]
    [InlineData("""{"model":"m","top_logprobs":2,"messages":[{"role":"user","content":"x"}]}""", "top_logprobs")]
    [InlineData("""{"model":"m","audio":{"voice":"alloy","format":"wav"},"messages":[{"role":"user","content":"x"}]}""", "audio")]
    [InlineData("""{"model":"m","modalities":["text","audio"],"messages":[{"role":"user","content":"x"}]}""", "modalities")]
    [InlineData("""{"model":"m","stop":["\n"],"messages":[{"role":"user","content":"x"}]}""", "stop")]
    [InlineData("""{"model":"m","presence_penalty":0.5,"messages":[{"role":"user","content":"x"}]}""", "presence_penalty")]
    [InlineData("""{"model":"m","logit_bias":{"50256":-100},"messages":[{"role":"user","content":"x"}]}""", "logit_bias")]
    [InlineData("""{"model":"m","functions":[{"name":"f"}],"messages":[{"role":"user","content":"x"}]}""", "functions")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA==","format":"wav"}}]}]}""", "messages[0].content[0].type")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x/y.png"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"},{"role":"function","name":"f","content":"y"}]}""", "messages[1].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"},{"role":"assistant","audio":{"id":"a1"}}]}""", "messages[1].audio")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"},{"role":"tool","content":"y"}]}""", "messages[1].tool_call_id")]
    [InlineData("""{"model":"m","tools":[{"type":"custom","custom":{"name":"c"}}],"messages":[{"role":"user","content":"x"}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","reasoning_effort":"extreme","messages":[{"role":"user","content":"x"}]}""", "reasoning_effort")]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":"only a system prompt"}]}""", "messages")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    public void What_the_Responses_API_cannot_take_is_refused_naming_the_field(string json, string field)
    {
        var error = Refusal(json);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void A_body_that_is_not_JSON_is_refused()
    {
        Assert.Equal("body", Refusal("{not json").Field);
    }
}
