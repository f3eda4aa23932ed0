using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Translation.Chat;

/// <summary>Claude Code on an OpenAI-compatible account: Messages requests → Chat, Chat answers → Messages.</summary>
public sealed class ChatToMessagesTests
{
    [Fact]
    public void Interleaved_parallel_tool_calls_become_separate_closed_blocks_and_the_stream_matches_the_golden_file()
    {
        var translator = new ChatToMessagesStream("gpt-4o");

        string output = StreamHarness.Run(translator, ChatTestData.Bytes("openai-parallel-tools.sse"));

        Golden.Assert("anthropic-from-openai-parallel-tools.sse", output);
        Assert.Equal(new TokenUsage(86, 300, 0, 0, 1920), translator.Usage);
        Assert.True(translator.EndedProperly);
        var events = output.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonNode.Parse(e[(e.IndexOf("data: ", StringComparison.Ordinal) + 6)..])!).ToList();
        var starts = events.Where(e => (string?)e["type"] == "content_block_start").ToList();
        Assert.Equal([0, 1, 2, 3], starts.Select(e => (int)e["index"]!));
        Assert.Equal(["thinking", "text", "tool_use", "tool_use"], starts.Select(e => (string?)e["content_block"]!["type"]));
        string Args(int index) => string.Concat(events.Where(e => (string?)e["type"] == "content_block_delta" && (int)e["index"]! == index).Select(e => (string?)e["delta"]!["partial_json"]));
        Assert.Equal("San Francisco", (string?)JsonNode.Parse(Args(2))!["location"]);
        Assert.Equal("Paris", (string?)JsonNode.Parse(Args(3))!["location"]);
        Assert.Equal("tool_use", (string?)events[^2]["delta"]!["stop_reason"]);
        Assert.Equal(1920, (int)events[^2]["usage"]!["cache_read_input_tokens"]!);
    }

    [Fact]
    public void Output_is_identical_however_the_upstream_bytes_are_chunked()
    {
        var upstream = ChatTestData.Bytes("openai-parallel-tools.sse");
        string whole = StreamHarness.Run(new ChatToMessagesStream(), upstream);
        var random = new Random(42);
        for (int run = 0; run < 25; run++)
        {
            Assert.Equal(whole, StreamHarness.Run(new ChatToMessagesStream(), upstream, random));
        }
    }

    [Fact]
    public void A_chat_stream_that_ends_without_finish_reason_or_done_ends_with_an_error_event()
    {
        string full = ChatTestData.Text("openai-parallel-tools.sse");
        string cut = full[..(full.IndexOf("\"Paris\\\"}", StringComparison.Ordinal))];
        cut = cut[..(cut.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)];
        var translator = new ChatToMessagesStream();

        string output = StreamHarness.Run(translator, Encoding.UTF8.GetBytes(cut));

        Assert.EndsWith("\n\n", output);
        string last = output.TrimEnd('\n')[(output.TrimEnd('\n').LastIndexOf("event: ", StringComparison.Ordinal))..];
        Assert.StartsWith("event: error\n", last);
        Assert.DoesNotContain("message_stop", output);
        Assert.False(translator.EndedProperly);
    }

    [Fact]
    public void Non_streamed_chat_answer_becomes_a_message_with_thinking_text_and_tool_use()
    {
        var body = """{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Checking.","reasoning_content":"two calls","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":64}}}"""u8;

        var result = ChatToMessagesResponse.Translate(body, out var usage);

        Assert.True(result.Ok);
        var message = JsonNode.Parse(result.Body)!;
        Assert.Equal(["thinking", "text", "tool_use"], message["content"]!.AsArray().Select(b => (string?)b!["type"]));
        Assert.Equal("Paris", (string?)message["content"]![2]!["input"]!["location"]);
        Assert.Equal("tool_use", (string?)message["stop_reason"]);
        Assert.Equal(36, (int)message["usage"]!["input_tokens"]!);
        Assert.Equal(64, (int)message["usage"]!["cache_read_input_tokens"]!);
        Assert.Equal(new TokenUsage(36, 20, 0, 0, 64), usage);
    }

    [Fact]
    public void Claude_code_shaped_request_becomes_a_chat_request_with_tool_messages_in_order()
    {
        var request = """
            {"model":"gpt-4o","max_tokens":32000,"stream":true,
             "system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}],
             "thinking":{"type":"enabled","budget_tokens":31999},
             "tools":[{"name":"Read","description":"Read a file","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],
             "tool_choice":{"type":"auto","disable_parallel_tool_use":true},
             "messages":[
               {"role":"user","content":"read a.txt and b.png"},
               {"role":"assistant","content":[{"type":"thinking","thinking":"two reads","signature":"sig"},{"type":"tool_use","id":"toolu_1","name":"Read","input":{"path":"a.txt"}},{"type":"tool_use","id":"toolu_2","name":"Read","input":{"path":"b.png"}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"toolu_1","content":"hello"},
                 {"type":"tool_result","tool_use_id":"toolu_2","is_error":false,"content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]},
                 {"type":"text","text":"thanks"}]}]}
            """u8;

        var result = MessagesToChatRequest.Translate(request);

        Assert.True(result.Ok, result.Error?.ToString());
        var chat = JsonNode.Parse(result.Body)!;
        var messages = chat["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "tool", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("You are Claude Code.\n\nBe brief.", (string?)messages[0]!["content"]);
        Assert.Null(messages[2]!["reasoning_content"]);
        Assert.Equal("{\"path\":\"a.txt\"}", (string?)messages[2]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("toolu_1", (string?)messages[3]!["tool_call_id"]);
        Assert.Equal("hello", (string?)messages[3]!["content"]);
        Assert.Equal("data:image/png;base64,iVBOR", (string?)messages[5]!["content"]![0]!["image_url"]!["url"]);
        Assert.Equal("thanks", (string?)messages[5]!["content"]![1]!["text"]);
        Assert.Equal(32000, (int)chat["max_completion_tokens"]!);
        Assert.True((bool)chat["stream_options"]!["include_usage"]!);
        Assert.Equal("high", (string?)chat["reasoning_effort"]);
        Assert.Equal("parameters", chat["tools"]![0]!["function"]!.AsObject().Select(p => p.Key).Last());
        Assert.False((bool)chat["parallel_tool_calls"]!);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":5,"top_k":5,"messages":[{"role":"user","content":"hi"}]}""", "top_k")]
    [InlineData("""{"model":"m","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}""", "tools[0].type")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBER"}}]}]}""", "messages[0].content[0]")]
    public void Refuses_what_Chat_cannot_express_naming_the_field(string json, string field)
    {
        var result = MessagesToChatRequest.Translate(Encoding.UTF8.GetBytes(json));

        Assert.False(result.Ok);
        Assert.Equal(field, result.Error!.Field);
    }
}
