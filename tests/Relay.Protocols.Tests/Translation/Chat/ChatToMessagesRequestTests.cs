using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.Chat;

namespace Relay.Protocols.Tests.Translation.Chat;

public sealed class ChatToMessagesRequestTests
{
    internal static JsonNode Translate(string chatJson)
    {
        var result = ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(chatJson));
        Assert.True(result.Ok, result.Error?.ToString());
        return JsonNode.Parse(result.Body)!;
    }

    internal static TranslationError Refusal(string chatJson)
    {
        var result = ChatToMessagesRequest.Translate(Encoding.UTF8.GetBytes(chatJson));
        Assert.False(result.Ok);
        return result.Error!;
    }

    [Fact]
    public void Translates_system_images_tools_reasoning_and_options_of_a_real_shaped_request()
    {
        var request = Translate(ChatTestData.Text("chat-request-tools-thinking.json"));

        Assert.Equal("claude-sonnet-4-5", (string?)request["model"]);
        Assert.Equal(32000, (int)request["max_tokens"]!);
        Assert.Equal(16384, (int)request["thinking"]!["budget_tokens"]!);
        Assert.Equal("enabled", (string?)request["thinking"]!["type"]);
        var system = request["system"]!.AsArray();
        Assert.Equal("You are a weather assistant.", (string?)system[0]!["text"]);
        Assert.Equal("Prefer celsius.", (string?)system[1]!["text"]);
        Assert.Equal("ephemeral", (string?)system[1]!["cache_control"]!["type"]);

        var user = request["messages"]![0]!;
        Assert.Equal("user", (string?)user["role"]);
        var content = user["content"]!.AsArray();
        Assert.Equal("text", (string?)content[0]!["type"]);
        Assert.Equal("base64", (string?)content[1]!["source"]!["type"]);
        Assert.Equal("image/png", (string?)content[1]!["source"]!["media_type"]);
        Assert.Equal("iVBORw0KGgoAAAANSUhEUg==", (string?)content[1]!["source"]!["data"]);
        Assert.Equal("url", (string?)content[2]!["source"]!["type"]);
        Assert.Equal("https://example.com/paris.jpg", (string?)content[2]!["source"]!["url"]);
        Assert.Equal("ephemeral", (string?)content[2]!["cache_control"]!["type"]);

        var tool = request["tools"]![0]!;
        Assert.Equal("get_weather", (string?)tool["name"]);
        Assert.Equal("object", (string?)tool["input_schema"]!["type"]);
        Assert.Equal("auto", (string?)request["tool_choice"]!["type"]);
        Assert.Null(request["tool_choice"]!["disable_parallel_tool_use"]);
        Assert.Equal("\n\nHuman:", (string?)request["stop_sequences"]![0]);
        Assert.True((bool)request["stream"]!);
        Assert.Equal("alice@example.com", (string?)request["metadata"]!["user_id"]);
        Assert.Null(request["seed"]);
        Assert.Null(request["stream_options"]);
    }

    [Fact]
    public void Merges_consecutive_tool_results_and_the_following_user_message_into_one_user_turn()
    {
        var request = Translate("""
            {"model":"m","messages":[
              {"role":"user","content":"weather?"},
              {"role":"assistant","content":"","tool_calls":[
                {"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"SF\"}"}},
                {"id":"call_b","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_a","content":"18C"},
              {"role":"tool","tool_call_id":"call_b","content":[{"type":"text","text":"21C"}]},
              {"role":"user","content":"and tomorrow?"}]}
            """);

        var messages = request["messages"]!.AsArray();
        Assert.Equal(3, messages.Count);
        var assistant = messages[1]!["content"]!.AsArray();
        Assert.Equal(2, assistant.Count); // the empty content string is not sent as an empty text block
        Assert.Equal("tool_use", (string?)assistant[0]!["type"]);
        Assert.Equal("SF", (string?)assistant[0]!["input"]!["location"]);
        Assert.Equal("call_b", (string?)assistant[1]!["id"]);
        var user = messages[2]!["content"]!.AsArray();
        Assert.Equal("user", (string?)messages[2]!["role"]);
        Assert.Equal(["tool_result", "tool_result", "text"], user.Select(b => (string?)b!["type"]));
        Assert.Equal("call_a", (string?)user[0]!["tool_use_id"]);
        Assert.Equal("18C", (string?)user[0]!["content"]);
        Assert.Equal("21C", (string?)user[1]!["content"]![0]!["text"]);
    }

    [Theory]
    [InlineData("none", "none")]
    [InlineData("required", "any")]
    [InlineData("auto", "auto")]
    public void Maps_tool_choice_strings(string choice, string expected)
    {
        var request = Translate($$$"""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"{{{choice}}}"}""");

        Assert.Equal(expected, (string?)request["tool_choice"]!["type"]);
        Assert.Equal("object", (string?)request["tools"]![0]!["input_schema"]!["type"]);
    }

    [Fact]
    public void Maps_a_named_tool_choice_and_parallel_tool_calls_false()
    {
        var request = Translate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false}""");

        Assert.Equal("tool", (string?)request["tool_choice"]!["type"]);
        Assert.Equal("f", (string?)request["tool_choice"]!["name"]);
        Assert.True((bool)request["tool_choice"]!["disable_parallel_tool_use"]!);
    }

    [Fact]
    public void Uses_the_default_max_tokens_and_room_for_thinking_when_the_client_sets_none()
    {
        var plain = Translate("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var thinking = Translate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"medium"}""");

        Assert.Equal(ChatToMessagesRequest.DefaultMaxTokens, (int)plain["max_tokens"]!);
        Assert.Null(plain["thinking"]);
        Assert.Equal(8192, (int)thinking["thinking"]!["budget_tokens"]!);
        Assert.Equal(ChatToMessagesRequest.DefaultMaxTokens + 8192, (int)thinking["max_tokens"]!);
    }

    [Fact]
    public void Shrinks_the_thinking_budget_to_fit_the_clients_token_limit()
    {
        var request = Translate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"high","max_tokens":4096}""");

        Assert.Equal(4096, (int)request["max_tokens"]!);
        Assert.Equal(4096 - ChatToMessagesRequest.MinimumAnswerTokens, (int)request["thinking"]!["budget_tokens"]!);
    }

    [Fact]
    public void Maps_a_json_schema_response_format_and_a_stop_list()
    {
        var request = Translate("""{"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["END","STOP"],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string"}}}}}}""");

        Assert.Equal(["END", "STOP"], request["stop_sequences"]!.AsArray().Select(x => (string?)x));
        Assert.Equal("json_schema", (string?)request["output_config"]!["format"]!["type"]);
        Assert.Equal("string", (string?)request["output_config"]!["format"]!["schema"]!["properties"]!["a"]!["type"]);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":1.5}""", "temperature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"n":2}""", "n")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"logprobs":true}""", "logprobs")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""", "response_format")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"presence_penalty":0.5}""", "presence_penalty")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"extreme"}""", "reasoning_effort")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"reasoning_effort":"low","max_tokens":1500}""", "reasoning_effort")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAA","format":"wav"}}]}]}""", "messages[0].content[0]")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]}""", "messages[0].content[0].image_url.url")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}]}""", "messages[1].tool_calls[0].function.arguments")]
    [InlineData("""{"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"custom","custom":{"name":"x"}}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","messages":[]}""", "messages")]
    public void Refuses_what_Anthropic_cannot_express_naming_the_field(string json, string field)
    {
        var error = Refusal(json);

        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Replays_signed_thinking_from_reasoning_details_sent_back_in_streamed_pieces()
    {
        var request = Translate("""
            {"model":"m","messages":[
              {"role":"user","content":"hi"},
              {"role":"assistant","content":"Let me look.","reasoning_content":"I think. More.",
               "reasoning_details":[
                 {"type":"reasoning.text","text":"I think.","format":"anthropic-claude-v1","index":0},
                 {"type":"reasoning.text","text":" More.","format":"anthropic-claude-v1","index":0},
                 {"type":"reasoning.text","signature":"c2lnbmF0dXJl+/=","format":"anthropic-claude-v1","index":0},
                 {"type":"reasoning.encrypted","data":"EmwKAhgBEgy3va3pzix","format":"anthropic-claude-v1","index":1},
                 {"type":"reasoning.text","text":"other vendor","signature":"x","format":"openai-responses-v1","index":2}],
               "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":""}}]},
              {"role":"tool","tool_call_id":"c1","content":"ok"}]}
            """);

        var assistant = request["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["thinking", "redacted_thinking", "text", "tool_use"], assistant.Select(b => (string?)b!["type"]));
        Assert.Equal("I think. More.", (string?)assistant[0]!["thinking"]);
        Assert.Equal("c2lnbmF0dXJl+/=", (string?)assistant[0]!["signature"]);
        Assert.Equal("EmwKAhgBEgy3va3pzix", (string?)assistant[1]!["data"]);
        Assert.Empty(assistant[3]!["input"]!.AsObject());
    }

    [Fact]
    public void Replays_litellm_thinking_blocks_and_drops_unsigned_reasoning_content()
    {
        var request = Translate("""
            {"model":"m","messages":[
              {"role":"user","content":"hi"},
              {"role":"assistant","content":"a","thinking_blocks":[{"type":"thinking","thinking":"t","signature":"sig"}]},
              {"role":"user","content":"again"},
              {"role":"assistant","content":"b","reasoning_content":"unsigned thoughts"},
              {"role":"user","content":"more"}]}
            """);

        var first = request["messages"]![1]!["content"]!.AsArray();
        Assert.Equal("thinking", (string?)first[0]!["type"]);
        Assert.Equal("sig", (string?)first[0]!["signature"]);
        var second = request["messages"]![3]!["content"]!.AsArray();
        Assert.Single(second);
        Assert.Equal("text", (string?)second[0]!["type"]);
    }
}
