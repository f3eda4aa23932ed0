using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Protocols.Tests.OpenAI.Responses;

/// <summary>A Responses stream gathered into the object a non-streamed call returns, and every way it can fail to be one.</summary>
public sealed class ResponsesStreamGathererTests
{
    private const string Reasoning = """{"id":"rs_1","type":"reasoning","encrypted_content":"gAAA-final","summary":[{"type":"summary_text","text":"Thinking."}]}""";
    private const string Message = """{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"Hello ✓"}]}""";
    private const string Call = """{"id":"fc_1","type":"function_call","status":"completed","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}""";
    private const string Usage = """{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":48}""";

    private static string Event(string type, string body) => $"event: {type}\ndata: {{\"type\":\"{type}\",{body}}}\n\n";

    private static string ItemDone(int index, string item) => Event("response.output_item.done", $"\"output_index\":{index},\"item\":{item}");

    private static string Final(string status, string output, string type = "response.completed") =>
        Event(type, $$"""  "response":{"id":"resp_1","object":"response","status":"{{status}}","model":"gpt-5","output":{{output}},"usage":{{Usage}},"store":false}""".Trim());

    /// <summary>The Codex backend's form: items only in output_item.done (out of order here), <c>"output": []</c> at the end.</summary>
    private static string CodexStream => Event("response.created", """ "response":{"id":"resp_1","status":"in_progress","output":[],"usage":null}""".Trim())
        + ItemDone(1, Message) + ItemDone(0, Reasoning) + ItemDone(2, Call)
        + Event("response.output_text.delta", """ "output_index":1,"delta":"Hello" """.Trim())
        + Final("completed", "[]");

    private static ResponsesStreamGatherer Gather(string stream, int maxBytes = 1 << 20)
    {
        var gatherer = new ResponsesStreamGatherer(maxBytes);
        Assert.True(gatherer.Feed(Encoding.UTF8.GetBytes(stream)));
        return gatherer;
    }

    private static string Text(ReadOnlyMemory<byte>? bytes) => Encoding.UTF8.GetString(bytes!.Value.Span);

    [Fact]
    public void An_empty_final_output_is_filled_with_the_streamed_items_in_output_index_order_and_nothing_else_changes()
    {
        using var gatherer = Gather(CodexStream);

        Assert.Equal(ResponsesStreamEnd.Completed, gatherer.End);
        Assert.Equal(
            $$"""{"id":"resp_1","object":"response","status":"completed","model":"gpt-5","output":[{{Reasoning}},{{Message}},{{Call}}],"usage":{{Usage}},"store":false}""",
            Text(gatherer.Response));
    }

    [Fact]
    public void A_populated_final_output_is_the_answer_byte_for_byte()
    {
        var final = Final("completed", $"[{Message}]");
        using var gatherer = Gather(ItemDone(0, """{"id":"msg_1","type":"message","content":[]}""") + final);

        var expected = JsonNode.Parse(final["event: response.completed\ndata: ".Length..])!["response"]!.ToJsonString();
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), JsonNode.Parse(Text(gatherer.Response))!.ToJsonString());
        Assert.Contains("\"Hello ✓\"", Text(gatherer.Response), StringComparison.Ordinal);
    }

    [Fact]
    public void Events_split_anywhere_across_reads_gather_the_same_answer()
    {
        using var whole = Gather(CodexStream);
        var bytes = Encoding.UTF8.GetBytes(CodexStream.Replace("\n", "\r\n", StringComparison.Ordinal));
        for (var size = 1; size <= 7; size += 3)
        {
            using var split = new ResponsesStreamGatherer(1 << 20);
            for (var i = 0; i < bytes.Length; i += size)
            {
                Assert.True(split.Feed(bytes.AsSpan(i, Math.Min(size, bytes.Length - i))));
            }

            Assert.Equal(Text(whole.Response), Text(split.Response));
        }
    }

    [Fact]
    public void An_incomplete_response_is_an_answer_with_its_status_and_items()
    {
        using var gatherer = Gather(ItemDone(0, Message) + Final("incomplete", "[]", "response.incomplete"));

        Assert.Equal(ResponsesStreamEnd.Incomplete, gatherer.End);
        var answer = JsonNode.Parse(Text(gatherer.Response))!;
        Assert.Equal("incomplete", answer["status"]!.GetValue<string>());
        Assert.Single(answer["output"]!.AsArray());
    }

    [Theory]
    [InlineData("response.failed")]
    [InlineData("error")]
    public void A_failure_gives_no_answer_but_its_code_and_message(string type)
    {
        var failure = type == "error"
            ? Event("error", """ "code":"rate_limit_exceeded","message":"Slow down." """.Trim())
            : Event("response.failed", """ "response":{"id":"resp_1","status":"failed","output":[],"error":{"code":"rate_limit_exceeded","message":"Slow down."}}""".Trim());

        using var gatherer = Gather(ItemDone(0, Message) + failure + Final("completed", "[]"));

        Assert.Equal(ResponsesStreamEnd.Failed, gatherer.End);
        Assert.Null(gatherer.Response);
        Assert.Equal("rate_limit_exceeded", gatherer.ErrorCode);
        Assert.Equal("Slow down.", gatherer.ErrorMessage);
    }

    [Fact]
    public void A_stream_cut_before_its_final_event_gives_no_answer()
    {
        var cut = CodexStream[..(CodexStream.IndexOf("event: response.completed", StringComparison.Ordinal) + 40)];

        using var gatherer = Gather(cut);

        Assert.Equal(ResponsesStreamEnd.None, gatherer.End);
        Assert.Null(gatherer.Response);
    }

    [Fact]
    public void An_answer_larger_than_the_bound_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(CodexStream);
        using var gatherer = new ResponsesStreamGatherer(Message.Length + Reasoning.Length);

        Assert.False(gatherer.Feed(bytes));
        Assert.True(gatherer.Oversized);
        Assert.False(gatherer.Feed("\n"u8));
        Assert.Null(gatherer.Response);
    }

    [Fact]
    public void A_json_body_that_is_not_a_stream_gives_no_answer()
    {
        using var gatherer = Gather($$"""{"id":"resp_1","object":"response","output":[]}""");

        Assert.Equal(ResponsesStreamEnd.None, gatherer.End);
        Assert.Null(gatherer.Response);
    }
}
