using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Translation.ResponsesChat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Translation.ResponsesChat;

public sealed class ChatToResponsesStreamTests
{
    private static readonly string Transcript = ResponsesChatKit.Load("chat-reasoning-parallel-tools.sse");

    private static List<(string Name, JsonElement Data)> Run(string transcript, bool complete = true) =>
        ResponsesChatKit.Events(ResponsesChatKit.Stream(transcript, ResponsesChatKit.Turn("apply_patch"), complete: complete));

    [Fact]
    public void The_client_stream_matches_the_golden_transcript()
    {
        ResponsesChatKit.Golden("responses-from-chat-reasoning-parallel-tools.sse", ResponsesChatKit.Stream(Transcript, ResponsesChatKit.Turn("apply_patch")));
    }

    [Fact]
    public void Reasoning_text_and_parallel_calls_stream_in_the_Responses_event_order()
    {
        var events = Run(Transcript);

        string[] expected =
        [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.reasoning_summary_part.added",
            "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
            "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
            "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.delta", "response.function_call_arguments.delta",
            "response.output_item.added",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done", "response.output_item.done",
            "response.completed",
        ];
        Assert.Equal(expected, events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
    }

    [Fact]
    public void Interleaved_parallel_calls_keep_their_own_output_index_item_id_and_arguments()
    {
        var events = Run(Transcript);

        var deltas = events.Where(e => e.Name == "response.function_call_arguments.delta").ToList();
        Assert.Equal([2, 3, 2, 3], deltas.Select(e => e.Data.GetProperty("output_index").GetInt32()));
        Assert.Equal(["fc_test_2", "fc_test_3", "fc_test_2", "fc_test_3"], deltas.Select(e => e.Data.GetProperty("item_id").GetString()));

        var items = events.Where(e => e.Name == "response.output_item.done").Select(e => e.Data.GetProperty("item")).ToList();
        Assert.Equal(["reasoning", "message", "function_call", "function_call", "custom_tool_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("{\"location\": \"San Francisco\"}", items[2].GetProperty("arguments").GetString());
        Assert.Equal("{\"location\": \"Paris\"}", items[3].GetProperty("arguments").GetString());
        Assert.Equal(["call_SF", "call_PA", "call_PATCH"], items[2..].Select(i => i.GetProperty("call_id").GetString()));
        Assert.Equal("*** Begin Patch\n*** Update File: README.md\n@@\n-Teh project\n+The project\n*** End Patch\n", items[4].GetProperty("input").GetString());
        Assert.Equal("Two cities, two calls; then the patch.", items[0].GetProperty("summary")[0].GetProperty("text").GetString());
        Assert.True(ChatReasoningEnvelope.TryDecode(items[0].GetProperty("encrypted_content").GetString(), out var reasoning));
        Assert.Equal("Two cities, two calls; then the patch.", reasoning);
    }

    [Fact]
    public void Completed_carries_all_items_in_output_order_and_the_usage_of_the_final_chunk()
    {
        var translator = new ChatToResponsesStream(ResponsesChatKit.Turn("apply_patch"));
        var events = ResponsesChatKit.Events(Chat.StreamHarness.Run(translator, Encoding.UTF8.GetBytes(Transcript)));

        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal("deepseek-reasoner", response.GetProperty("model").GetString());
        Assert.Equal(["rs_test_0", "msg_test_1", "fc_test_2", "fc_test_3", "ctc_test_4"],
            response.GetProperty("output").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var usage = response.GetProperty("usage");
        Assert.Equal(2006, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(1920, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(300, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(120, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(2306, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(new TokenUsage(86, 300, 0, 0, 1920), translator.Usage);
        Assert.Equal("deepseek-reasoner", translator.UpstreamModel);
    }

    [Fact]
    public void Any_chunking_of_the_upstream_gives_the_same_client_stream()
    {
        string whole = ResponsesChatKit.Stream(Transcript, ResponsesChatKit.Turn("apply_patch"));
        var random = new Random(20251124);
        for (int run = 0; run < 25; run++)
        {
            Assert.Equal(whole, ResponsesChatKit.Stream(Transcript, ResponsesChatKit.Turn("apply_patch"), random));
        }
    }

    [Fact]
    public void Streamed_and_non_streamed_answers_give_the_same_items_and_usage()
    {
        var translator = new ChatToResponsesStream(ResponsesChatKit.Turn("apply_patch"));
        var streamed = ResponsesChatKit.Events(Chat.StreamHarness.Run(translator, Encoding.UTF8.GetBytes(Transcript)))[^1].Data.GetProperty("response");

        var result = ChatToResponsesResponse.Translate(Encoding.UTF8.GetBytes(ResponsesChatKit.Load("chat-reasoning-parallel-tools.json")),
            ResponsesChatKit.Turn("apply_patch"), out var usage, out var model);
        Assert.True(result.Ok, result.Error?.ToString());
        var whole = JsonDocument.Parse(result.Body).RootElement;

        Assert.Equal(translator.Usage, usage);
        Assert.Equal("deepseek-reasoner", model);
        Assert.Equal(streamed.GetProperty("usage").GetRawText(), whole.GetProperty("usage").GetRawText());
        Assert.Equal(streamed.GetProperty("output").GetRawText(), whole.GetProperty("output").GetRawText());
        Assert.Equal(streamed.GetProperty("status").GetString(), whole.GetProperty("status").GetString());
    }

    [Fact]
    public void A_Chat_error_chunk_mid_stream_ends_with_response_failed_and_nothing_after_it()
    {
        int cut = Transcript.IndexOf("data: {\"id\":\"chatcmpl-RcDeep01\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"deepseek-reasoner\",\"system_fingerprint\":\"fp_x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\"", StringComparison.Ordinal);
        string stream = Transcript[..cut]
            + "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}\n\n"
            + Transcript[cut..];
        var events = Run(stream);

        Assert.Equal("response.failed", events[^1].Name);
        Assert.Single(events, e => e.Name == "response.failed");
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("rate_limit_exceeded", response.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("Rate limit reached", response.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(1, response.GetProperty("output").GetArrayLength());
    }

    [Fact]
    public void A_stream_cut_before_the_finish_reason_is_reported_as_failed_with_a_code_Codex_retries()
    {
        string cut = Transcript[..Transcript.IndexOf("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal)];
        cut = cut[..(cut.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)];

        var events = Run(cut);

        Assert.Equal("response.failed", events[^1].Name);
        Assert.Equal("server_error", events[^1].Data.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void Done_without_a_finish_reason_is_a_failure_not_a_completion()
    {
        var events = Run("data: {\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n");

        Assert.Equal("response.failed", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
    }

    [Fact]
    public void Fail_after_partial_output_ends_once_and_later_input_is_ignored()
    {
        var translator = new ChatToResponsesStream(ResponsesChatKit.Turn());
        var output = new ArrayBufferWriter<byte>();
        translator.OnEvent("message"u8, "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}"u8, output);
        translator.Fail(AnthropicErrors.Timeout, "The upstream went quiet.", output);
        translator.OnEvent("message"u8, "{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"u8, output);
        translator.OnEvent("message"u8, "[DONE]"u8, output);
        translator.Complete(output);

        var events = ResponsesChatKit.Events(Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal("response.failed", events[^1].Name);
        Assert.Single(events, e => e.Name == "response.failed");
        Assert.Equal("The upstream went quiet.", events[^1].Data.GetProperty("response").GetProperty("error").GetProperty("message").GetString());
        Assert.True(translator.Finished);
    }

    [Fact]
    public void Finish_reason_length_is_incomplete_and_a_host_that_omits_done_still_completes()
    {
        var events = Run("data: {\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":\"length\"}]}\n\n");

        Assert.Equal("response.incomplete", events[^1].Name);
        Assert.Equal("max_output_tokens", events[^1].Data.GetProperty("response").GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    [Fact]
    public void Calls_without_an_index_are_told_apart_by_id()
    {
        var events = Run(
            "data: {\"model\":\"llama3.1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]},\"finish_reason\":null}]}\n\n" +
            "data: {\"model\":\"llama3.1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n" +
            "data: [DONE]\n\n");

        var calls = events[^1].Data.GetProperty("response").GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.GetProperty("call_id").GetString()));
        Assert.Equal(["{\"x\":1}", "{}"], calls.Select(c => c.GetProperty("arguments").GetString()));
    }
}
