using System.Text;
using System.Text.Json;
using Relay.Protocols.Tests.Translation.Chat;
using Relay.Protocols.Translation.ChatResponses;

namespace Relay.Protocols.Tests.Translation.ChatResponses;

public sealed class ResponsesToChatTests
{
    private const string Usage = """{"input_tokens":312,"input_tokens_details":{"cached_tokens":256},"output_tokens":58,"output_tokens_details":{"reasoning_tokens":20},"total_tokens":370}""";
    private const string Call1 = """{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\"location\":\"San Francisco\"}","call_id":"call_SF","name":"get_weather"}""";
    private const string Call2 = """{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"location\":\"Paris\"}","call_id":"call_PA","name":"get_weather"}""";

    // ---- non-streamed ----

    [Fact]
    public void A_response_with_reasoning_text_and_calls_becomes_one_chat_completion()
    {
        string body = $$"""
            {"id":"resp_abc","object":"response","created_at":1760001100,"status":"completed","model":"gpt-5-2025-08-07",
             "output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Two cities."},{"type":"summary_text","text":"Two calls."}]},
                       {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Checking ","annotations":[]},{"type":"output_text","text":"both.","annotations":[]}]},
                       {{Call1}},{{Call2}}],
             "usage":{{Usage}}}
            """;

        var result = ResponsesToChatResponse.Translate(Encoding.UTF8.GetBytes(body), out var usage, out var model, "gpt-5");

        Assert.True(result.Ok, result.Error?.ToString());
        var root = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal("chatcmpl-abc", root.GetProperty("id").GetString());
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal(1760001100, root.GetProperty("created").GetInt64());
        Assert.Equal("gpt-5-2025-08-07", root.GetProperty("model").GetString());
        Assert.Equal("gpt-5-2025-08-07", model);
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Checking both.", message.GetProperty("content").GetString());
        Assert.Equal("Two cities.\n\nTwo calls.", message.GetProperty("reasoning_content").GetString());
        var calls = message.GetProperty("tool_calls");
        Assert.Equal(["call_SF", "call_PA"], calls.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.All(calls.EnumerateArray(), c => Assert.Equal("function", c.GetProperty("type").GetString()));
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"location\":\"Paris\"}", calls[1].GetProperty("function").GetProperty("arguments").GetString());

        var chatUsage = root.GetProperty("usage");
        Assert.Equal(312, chatUsage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(256, chatUsage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(58, chatUsage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(20, chatUsage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(370, chatUsage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(312 - 256, usage.Input);
        Assert.Equal(256, usage.CacheRead);
        Assert.Equal(58, usage.Output);
    }

    [Fact]
    public void An_incomplete_response_finishes_with_length_and_calls_only_give_null_content()
    {
        string cut = """{"id":"resp_x","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"model":"m","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Half"}]}],"usage":{"input_tokens":5,"output_tokens":16}}""";
        var root = JsonDocument.Parse(ResponsesToChatResponse.Translate(Encoding.UTF8.GetBytes(cut), out _, out _).Body).RootElement;
        Assert.Equal("length", root.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("Half", root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        string calls = $$"""{"id":"resp_y","status":"completed","model":"m","output":[{{Call1}}],"usage":{{Usage}}}""";
        var message = JsonDocument.Parse(ResponsesToChatResponse.Translate(Encoding.UTF8.GetBytes(calls), out _, out _).Body).RootElement
            .GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.False(message.TryGetProperty("reasoning_content", out _));
    }

    [Theory]
    [InlineData("""{"error":{"message":"x"}}""")]
    [InlineData("""not json""")]
    [InlineData("""{"id":"resp_z","status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}""")]
    public void What_is_not_a_finished_response_is_refused_as_an_upstream_fault(string body)
    {
        var result = ResponsesToChatResponse.Translate(Encoding.UTF8.GetBytes(body), out var usage, out _);
        Assert.False(result.Ok);
        Assert.Equal("(upstream)", result.Error!.Field);
        Assert.Equal(0, usage.Output);
    }

    // ---- streamed ----

    /// <summary>JSON written with ' for " and ` for an escaped quote inside a string, for readable transcripts.</summary>
    private static string Q(string json) => json.Replace("`", "\\\"", StringComparison.Ordinal).Replace('\'', '"');

    private static string Event(string type, string body) => $"event: {type}\ndata: {{\"type\":\"{type}\",{body}}}\n\n";

    private static string ResponseObject(string status, string output, string usage) =>
        $$"""{"id":"resp_stream1","object":"response","created_at":1760002000,"status":"{{status}}","model":"gpt-5-2025-08-07","output":{{output}},"usage":{{usage}}}""";

    /// <summary>Reasoning summary, text, then two function calls whose argument deltas interleave.</summary>
    private static string ToolsTranscript(string terminal = "response.completed", string status = "completed") =>
        Event("response.created", $"\"sequence_number\":0,\"response\":{ResponseObject("in_progress", "[]", "null")}") +
        Event("response.in_progress", $"\"sequence_number\":1,\"response\":{ResponseObject("in_progress", "[]", "null")}") +
        Event("response.output_item.added", Q("'output_index':0,'item':{'id':'rs_1','type':'reasoning','summary':[]}")) +
        Event("response.reasoning_summary_part.added", Q("'item_id':'rs_1','output_index':0,'summary_index':0,'part':{'type':'summary_text','text':''}")) +
        Event("response.reasoning_summary_text.delta", Q("'item_id':'rs_1','output_index':0,'summary_index':0,'delta':'Two cities, '")) +
        Event("response.reasoning_summary_text.delta", Q("'item_id':'rs_1','output_index':0,'summary_index':0,'delta':'two calls.'")) +
        Event("response.output_item.done", Q("'output_index':0,'item':{'id':'rs_1','type':'reasoning','summary':[{'type':'summary_text','text':'Two cities, two calls.'}]}")) +
        Event("response.output_item.added", Q("'output_index':1,'item':{'id':'msg_1','type':'message','role':'assistant','content':[]}")) +
        Event("response.output_text.delta", Q("'item_id':'msg_1','output_index':1,'content_index':0,'delta':'Checking ü '")) +
        Event("response.output_text.delta", Q("'item_id':'msg_1','output_index':1,'content_index':0,'delta':'both.'")) +
        Event("response.output_item.done", Q("'output_index':1,'item':{'id':'msg_1','type':'message','role':'assistant','content':[]}")) +
        Event("response.output_item.added", Q("'output_index':2,'item':{'id':'fc_1','type':'function_call','arguments':'','call_id':'call_SF','name':'get_weather'}")) +
        Event("response.output_item.added", Q("'output_index':3,'item':{'id':'fc_2','type':'function_call','arguments':'','call_id':'call_PA','name':'get_time'}")) +
        Event("response.function_call_arguments.delta", Q("'item_id':'fc_1','output_index':2,'delta':'{`location`:'")) +
        Event("response.function_call_arguments.delta", Q("'item_id':'fc_2','output_index':3,'delta':'{`city`:'")) +
        Event("response.function_call_arguments.delta", Q("'item_id':'fc_1','output_index':2,'delta':'`San Francisco`}'")) +
        Event("response.function_call_arguments.delta", Q("'item_id':'fc_2','output_index':3,'delta':'`Paris`}'")) +
        Event("response.function_call_arguments.done", Q("'item_id':'fc_1','output_index':2,'arguments':'{`location`:`San Francisco`}'")) +
        Event("response.output_item.done", $"\"output_index\":2,\"item\":{Call1}") +
        Event("response.function_call_arguments.done", Q("'item_id':'fc_2','output_index':3,'arguments':'{`city`:`Paris`}'")) +
        Event("response.output_item.done", $"\"output_index\":3,\"item\":{Call2}") +
        Event(terminal, $"\"sequence_number\":20,\"response\":{ResponseObject(status, $"[{Call1},{Call2}]", Usage)}");

    private static List<JsonElement> Chunks(string sse, out bool done)
    {
        var lines = StreamHarness.DataLines(sse);
        done = lines.Count > 0 && lines[^1] == "[DONE]";
        return lines.Where(l => l != "[DONE]").Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    private static IEnumerable<JsonElement> Deltas(List<JsonElement> chunks) =>
        chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("delta"));

    private static string Joined(List<JsonElement> chunks, string field) =>
        string.Concat(Deltas(chunks).Where(d => d.TryGetProperty(field, out _)).Select(d => d.GetProperty(field).GetString()));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parallel_calls_stream_as_tool_calls_with_their_own_index_whatever_the_chunking(int seed)
    {
        var translator = new ResponsesToChatStream(includeUsage: true, requestedModel: "gpt-5", created: 1);
        string sse = StreamHarness.Run(translator, Encoding.UTF8.GetBytes(ToolsTranscript()), new Random(seed));
        Assert.Equal(StreamHarness.Run(new ResponsesToChatStream(true, "gpt-5", 1), Encoding.UTF8.GetBytes(ToolsTranscript())), sse);

        var chunks = Chunks(sse, out bool done);
        Assert.True(done);
        Assert.True(translator.EndedProperly);
        Assert.All(chunks, c => Assert.Equal("chatcmpl-stream1", c.GetProperty("id").GetString()));
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.Equal("gpt-5-2025-08-07", c.GetProperty("model").GetString()));
        Assert.All(chunks, c => Assert.Equal(1760002000, c.GetProperty("created").GetInt64()));
        Assert.Equal("assistant", Deltas(chunks).First().GetProperty("role").GetString());
        Assert.Equal("Checking ü both.", Joined(chunks, "content"));
        Assert.Equal("Two cities, two calls.", Joined(chunks, "reasoning_content"));

        var calls = Deltas(chunks).Where(d => d.TryGetProperty("tool_calls", out _)).Select(d => d.GetProperty("tool_calls")[0]).ToList();
        Assert.Equal([0, 1, 0, 1, 0, 1], calls.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("call_SF", calls[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_PA", calls[1].GetProperty("id").GetString());
        Assert.Equal("get_time", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.All(calls.Skip(2), c => Assert.False(c.TryGetProperty("id", out _)));
        Assert.Equal("{\"location\":\"San Francisco\"}", string.Concat(calls.Where(c => c.GetProperty("index").GetInt32() == 0).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("{\"city\":\"Paris\"}", string.Concat(calls.Where(c => c.GetProperty("index").GetInt32() == 1).Select(c => c.GetProperty("function").GetProperty("arguments").GetString())));

        var finish = chunks[^2];
        Assert.Equal("tool_calls", finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(312, usageChunk.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(256, usageChunk.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(20, usageChunk.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(56, translator.Usage.Input);
        Assert.Equal(256, translator.Usage.CacheRead);
        Assert.Equal(58, translator.Usage.Output);
        Assert.Equal("gpt-5-2025-08-07", translator.UpstreamModel);
    }

    [Fact]
    public void Without_include_usage_there_is_no_usage_chunk_and_incomplete_finishes_with_length()
    {
        var translator = new ResponsesToChatStream(includeUsage: false);
        var chunks = Chunks(StreamHarness.Run(translator, Encoding.UTF8.GetBytes(ToolsTranscript("response.incomplete", "incomplete"))), out bool done);

        Assert.True(done);
        Assert.All(chunks, c => Assert.Equal(1, c.GetProperty("choices").GetArrayLength()));
        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(58, translator.Usage.Output);
    }

    [Fact]
    public void Text_only_finishes_with_stop()
    {
        string sse = Event("response.created", $"\"response\":{ResponseObject("in_progress", "[]", "null")}") +
            Event("response.output_text.delta", "\"output_index\":0,\"delta\":\"Hi\"") +
            Event("response.completed", $"\"response\":{ResponseObject("completed", "[]", Usage)}");
        var chunks = Chunks(StreamHarness.Run(new ResponsesToChatStream(false), Encoding.UTF8.GetBytes(sse)), out bool done);

        Assert.True(done);
        Assert.Equal("Hi", Joined(chunks, "content"));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Response_failed_ends_with_an_error_chunk_and_no_DONE()
    {
        string sse = Event("response.created", $"\"response\":{ResponseObject("in_progress", "[]", "null")}") +
            Event("response.output_text.delta", "\"output_index\":0,\"delta\":\"Hello\"") +
            Event("response.failed", Q("'response':{'id':'resp_stream1','status':'failed','error':{'code':'rate_limit_exceeded','message':'Slow down.'},'output':[],'usage':null}"));
        var translator = new ResponsesToChatStream(true);
        string output = StreamHarness.Run(translator, Encoding.UTF8.GetBytes(sse), new Random(7));

        var lines = StreamHarness.DataLines(output);
        Assert.DoesNotContain("[DONE]", lines);
        var error = JsonDocument.Parse(lines[^1]).RootElement.GetProperty("error");
        Assert.Equal("Slow down.", error.GetProperty("message").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.Equal("Hello", Joined(Chunks(string.Join("", lines.SkipLast(1).Select(l => "data: " + l + "\n\n")), out _), "content"));
        Assert.False(translator.EndedProperly);
    }

    [Fact]
    public void An_error_event_or_a_stream_without_a_terminal_event_ends_with_an_error_chunk()
    {
        string start = Event("response.created", $"\"response\":{ResponseObject("in_progress", "[]", "null")}") +
            Event("response.output_text.delta", "\"output_index\":0,\"delta\":\"Hel\"");

        string errored = StreamHarness.Run(new ResponsesToChatStream(false), Encoding.UTF8.GetBytes(start + Event("error", "\"code\":\"server_error\",\"message\":\"Upstream broke.\",\"param\":null")));
        var lines = StreamHarness.DataLines(errored);
        Assert.DoesNotContain("[DONE]", lines);
        Assert.Equal("Upstream broke.", JsonDocument.Parse(lines[^1]).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("server_error", JsonDocument.Parse(lines[^1]).RootElement.GetProperty("error").GetProperty("type").GetString());

        var cutTranslator = new ResponsesToChatStream(false);
        string cut = StreamHarness.Run(cutTranslator, Encoding.UTF8.GetBytes(start));
        lines = StreamHarness.DataLines(cut);
        Assert.DoesNotContain("[DONE]", lines);
        Assert.True(JsonDocument.Parse(lines[^1]).RootElement.TryGetProperty("error", out _));
        Assert.Single(lines, l => l.Contains("\"error\"", StringComparison.Ordinal));
        Assert.False(cutTranslator.EndedProperly);
    }
}
