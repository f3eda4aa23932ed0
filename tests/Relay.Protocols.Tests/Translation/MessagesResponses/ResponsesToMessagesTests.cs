using System.Text;
using System.Text.Json;
using Relay.Protocols.Tests.Translation.Chat;
using Relay.Protocols.Translation.MessagesResponses;

namespace Relay.Protocols.Tests.Translation.MessagesResponses;

public sealed class ResponsesToMessagesTests
{
    private const string Usage = """{"input_tokens":312,"input_tokens_details":{"cached_tokens":200},"output_tokens":58,"output_tokens_details":{"reasoning_tokens":10},"total_tokens":370}""";
    private const string Call1 = """{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\": \"SF\"}","call_id":"call_1","name":"get_weather"}""";
    private const string Call2 = """{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"location\": \"Paris\"}","call_id":"call_2","name":"get_weather"}""";

    private static JsonElement TranslateBody(string body, out Relay.Protocols.Usage.TokenUsage usage)
    {
        var result = ResponsesToMessagesResponse.Translate(Encoding.UTF8.GetBytes(body), out usage, out _, "claude-x");
        Assert.True(result.Ok, result.Error?.ToString());
        return JsonDocument.Parse(result.Body!).RootElement;
    }

    [Fact]
    public void A_text_answer_with_reasoning_becomes_thinking_and_text_with_cached_usage()
    {
        var m = TranslateBody($$"""
            {"id":"resp_abc","object":"response","status":"completed","model":"gpt-5","output":[
              {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Step one."},{"type":"summary_text","text":"Step two."}]},
              {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],
             "usage":{{Usage}}}
            """, out var usage);

        Assert.Equal("msg_abc", m.GetProperty("id").GetString());
        Assert.Equal("gpt-5", m.GetProperty("model").GetString());
        var content = m.GetProperty("content");
        Assert.Equal("thinking", content[0].GetProperty("type").GetString());
        Assert.Equal("Step one.\n\nStep two.", content[0].GetProperty("thinking").GetString());
        Assert.Equal("", content[0].GetProperty("signature").GetString());
        Assert.Equal("Hello", content[1].GetProperty("text").GetString());
        Assert.Equal("end_turn", m.GetProperty("stop_reason").GetString());
        Assert.Equal(112, m.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(200, m.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(58, m.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(new Relay.Protocols.Usage.TokenUsage(112, 58, 0, 0, 200), usage);
    }

    [Fact]
    public void Function_calls_become_tool_use_blocks_with_parsed_input()
    {
        var m = TranslateBody($$"""{"id":"resp_t","status":"completed","model":"gpt-5","output":[{{Call1}},{{Call2}}],"usage":{{Usage}}}""", out _);

        Assert.Equal("tool_use", m.GetProperty("stop_reason").GetString());
        var content = m.GetProperty("content");
        Assert.Equal(2, content.GetArrayLength());
        Assert.Equal("call_1", content[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", content[0].GetProperty("name").GetString());
        Assert.Equal("Paris", content[1].GetProperty("input").GetProperty("location").GetString());
    }

    [Fact]
    public void An_incomplete_answer_stops_for_max_tokens_and_a_failed_one_is_refused()
    {
        var m = TranslateBody("""{"id":"resp_i","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[],"usage":null}""", out _);
        Assert.Equal("max_tokens", m.GetProperty("stop_reason").GetString());

        var failed = ResponsesToMessagesResponse.Translate("""{"id":"resp_f","status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}"""u8, out _, out _);
        Assert.False(failed.Ok);
        Assert.Equal("boom", failed.Error!.Message);

        var notJson = ResponsesToMessagesResponse.Translate("""{"id":"r","status":"completed","output":[{"type":"function_call","call_id":"c","name":"n","arguments":"[1]"}]}"""u8, out _, out _);
        Assert.Equal("output[0].arguments", notJson.Error!.Field);
    }

    // ---- streams ----

    private static int _sequence;

    private static string Event(string type, string body) =>
        $"event: {type}\ndata: {{\"type\":\"{type}\",\"sequence_number\":{_sequence++},{body}}}\n\n";

    private static string Created(string id = "resp_s") =>
        Event("response.created", $$"""
            "response":{"id":"{{id}}","object":"response","status":"in_progress","model":"gpt-5-2025-08-07","output":[],"usage":null}
            """.Trim());

    private static string Completed(string output, string status = "completed", string extra = "") =>
        Event($"response.{status}", $$"""
            "response":{"id":"resp_s","status":"{{status}}","model":"gpt-5-2025-08-07",{{extra}}"output":{{output}},"usage":{{Usage}}}
            """.Trim());

    private static string Added(int index, string item) => Event("response.output_item.added", $"\"output_index\":{index},\"item\":{item}");

    private static string Done(int index, string item) => Event("response.output_item.done", $"\"output_index\":{index},\"item\":{item}");

    private static string Args(int index, string itemId, string delta) =>
        Event("response.function_call_arguments.delta", $"\"item_id\":\"{itemId}\",\"output_index\":{index},\"delta\":{JsonSerializer.Serialize(delta)}");

    private static string TextDelta(int index, string delta) =>
        Event("response.output_text.delta", $"\"item_id\":\"msg_1\",\"output_index\":{index},\"content_index\":0,\"delta\":{JsonSerializer.Serialize(delta)}");

    private static List<(string Name, JsonElement Data)> Parse(string sse) =>
        sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var lines = e.Split('\n');
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement);
        }).ToList();

    private static string TextStream() =>
        Created()
        + Event("response.in_progress", """ "response":{"id":"resp_s","status":"in_progress","output":[]}""")
        + Added(0, """{"id":"rs_1","type":"reasoning","summary":[]}""")
        + Event("response.reasoning_summary_part.added", """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}""")
        + Event("response.reasoning_summary_text.delta", """ "item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Think" """)
        + Event("response.reasoning_summary_text.delta", """ "item_id":"rs_1","output_index":0,"summary_index":1,"delta":"More" """)
        + Done(0, """{"id":"rs_1","type":"reasoning","summary":[]}""")
        + Added(1, """{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}""")
        + TextDelta(1, "Hel") + TextDelta(1, "lo ✓")
        + Done(1, """{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","text":"Hello ✓"}],"role":"assistant"}""")
        + Completed("[]");

    [Theory]
    [InlineData(null)]
    [InlineData(7)]
    [InlineData(42)]
    public void A_text_stream_becomes_anthropic_events_in_order(int? seed)
    {
        var translator = new ResponsesToMessagesStream("claude-x");
        var events = Parse(StreamHarness.Run(translator, Encoding.UTF8.GetBytes(TextStream()), seed is { } s ? new Random(s) : null));

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name).ToList());
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        var start = events[0].Data.GetProperty("message");
        Assert.Equal("msg_s", start.GetProperty("id").GetString());
        Assert.Equal("gpt-5-2025-08-07", start.GetProperty("model").GetString());
        Assert.Equal(0, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal("thinking", events[1].Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal("Think\n\nMore", string.Concat(events.Skip(2).Take(3).Select(e => e.Data.GetProperty("delta").GetProperty("thinking").GetString())));
        Assert.Equal(0, events[5].Data.GetProperty("index").GetInt32());
        Assert.Equal(1, events[6].Data.GetProperty("index").GetInt32());
        Assert.Equal("Hello ✓", string.Concat(events.Skip(7).Take(2).Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString())));
        var delta = events[10].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(112, delta.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(200, delta.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(58, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.True(translator.EndedProperly);
        Assert.Equal(new Relay.Protocols.Usage.TokenUsage(112, 58, 0, 0, 200), translator.Usage);
        Assert.Equal("gpt-5-2025-08-07", translator.UpstreamModel);
    }

    private const string Added1 = """{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_1","name":"get_weather"}""";
    private const string Added2 = """{"id":"fc_2","type":"function_call","status":"in_progress","arguments":"","call_id":"call_2","name":"get_weather"}""";

    /// <summary>Two parallel calls whose events interleave: the second is added and streams before the first is done.</summary>
    private static string InterleavedCalls() =>
        Created()
        + Added(0, Added1) + Args(0, "fc_1", "{\"location\"")
        + Added(1, Added2) + Args(1, "fc_2", "{\"location\"")
        + Args(0, "fc_1", ": \"SF\"}") + Args(1, "fc_2", ": \"Paris\"}")
        + Done(0, Call1) + Done(1, Call2)
        + Completed($"[{Call1},{Call2}]");

    /// <summary>Two calls one after the other, as OpenAI sends them.</summary>
    private static string SequentialCalls() =>
        Created()
        + Added(0, Added1) + Args(0, "fc_1", "{\"location\"") + Args(0, "fc_1", ": \"SF\"}") + Done(0, Call1)
        + Added(1, Added2) + Args(1, "fc_2", "{\"location\": \"Paris\"}") + Done(1, Call2)
        + Completed($"[{Call1},{Call2}]");

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    [InlineData(true, 4)]
    public void Parallel_function_calls_each_get_their_own_closed_block(bool interleaved, int seed)
    {
        var translator = new ResponsesToMessagesStream();
        string upstream = interleaved ? InterleavedCalls() : SequentialCalls();
        var events = Parse(StreamHarness.Run(translator, Encoding.UTF8.GetBytes(upstream), new Random(seed)));

        // Blocks never overlap: every start is followed by its deltas and its stop before the next start.
        int? open = null;
        var json = new Dictionary<int, StringBuilder>();
        var ids = new List<string>();
        foreach (var (name, data) in events)
        {
            switch (name)
            {
                case "content_block_start":
                    Assert.Null(open);
                    open = data.GetProperty("index").GetInt32();
                    Assert.Equal(json.Count, open);
                    json[open.Value] = new StringBuilder();
                    Assert.Equal("tool_use", data.GetProperty("content_block").GetProperty("type").GetString());
                    ids.Add(data.GetProperty("content_block").GetProperty("id").GetString()!);
                    break;
                case "content_block_delta":
                    Assert.Equal(open, data.GetProperty("index").GetInt32());
                    Assert.Equal("input_json_delta", data.GetProperty("delta").GetProperty("type").GetString());
                    json[open!.Value].Append(data.GetProperty("delta").GetProperty("partial_json").GetString());
                    break;
                case "content_block_stop":
                    Assert.Equal(open, data.GetProperty("index").GetInt32());
                    open = null;
                    break;
            }
        }

        Assert.Equal(["call_1", "call_2"], ids);
        Assert.Equal("SF", JsonDocument.Parse(json[0].ToString()).RootElement.GetProperty("location").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(json[1].ToString()).RootElement.GetProperty("location").GetString());
        Assert.Equal("tool_use", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal("message_stop", events[^1].Name);
    }

    [Fact]
    public void An_incomplete_stream_stops_for_max_tokens()
    {
        var translator = new ResponsesToMessagesStream();
        string upstream = Created() + TextDelta(0, "Hi") + Completed("[]", "incomplete", "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},");
        var events = Parse(StreamHarness.Run(translator, Encoding.UTF8.GetBytes(upstream)));

        Assert.Equal("max_tokens", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Response_failed_becomes_an_anthropic_error_event_not_a_clean_end()
    {
        var translator = new ResponsesToMessagesStream();
        string upstream = Created() + TextDelta(0, "Hel")
            + Event("response.failed", """ "response":{"id":"resp_s","status":"failed","error":{"code":"server_error","message":"boom"},"output":[],"usage":null}""");
        var events = Parse(StreamHarness.Run(translator, Encoding.UTF8.GetBytes(upstream), new Random(5)));

        Assert.Equal("error", events[^1].Name);
        Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("boom", events[^1].Data.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain(events, e => e.Name is "message_stop" or "message_delta");
        Assert.False(translator.EndedProperly);
    }

    [Fact]
    public void An_error_event_and_a_cut_stream_end_with_an_error_event()
    {
        var errorEvent = Parse(StreamHarness.Run(new ResponsesToMessagesStream(), Encoding.UTF8.GetBytes(
            Created() + Event("error", """ "code":"rate_limit_exceeded","message":"slow down","param":null"""))));
        Assert.Equal("error", errorEvent[^1].Name);
        Assert.Equal("rate_limit_error", errorEvent[^1].Data.GetProperty("error").GetProperty("type").GetString());

        var cut = Parse(StreamHarness.Run(new ResponsesToMessagesStream(), Encoding.UTF8.GetBytes(Created() + TextDelta(0, "partial"))));
        Assert.Equal("error", cut[^1].Name);
        Assert.DoesNotContain(cut, e => e.Name == "message_stop");
    }
}
