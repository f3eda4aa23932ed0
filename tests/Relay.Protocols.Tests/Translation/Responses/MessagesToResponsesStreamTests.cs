using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Translation.Responses;

public sealed class MessagesToResponsesStreamTests
{
    [Fact]
    public void Thinking_text_and_parallel_calls_stream_in_the_Responses_event_order()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        var events = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, translator));

        string[] expected =
        [
            "response.created", "response.in_progress",
            "response.output_item.added", "response.reasoning_summary_part.added",
            "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
            "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
            "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta",
            "response.output_text.done", "response.content_part.done", "response.output_item.done",
            "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
            "response.function_call_arguments.done", "response.output_item.done",
            "response.completed",
        ];
        Assert.Equal(expected, events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data.GetProperty("sequence_number").GetInt32()));
    }

    [Fact]
    public void Parallel_calls_get_their_own_output_index_and_item_id_and_their_arguments_stream_in_pieces()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        var events = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, translator));

        var argumentDeltas = events.Where(e => e.Name == "response.function_call_arguments.delta").ToList();
        Assert.Equal([2, 2, 3, 3], argumentDeltas.Select(e => e.Data.GetProperty("output_index").GetInt32()));
        Assert.Equal(["fc_test_2", "fc_test_2", "fc_test_3", "fc_test_3"], argumentDeltas.Select(e => e.Data.GetProperty("item_id").GetString()));

        var calls = events.Where(e => e.Name == "response.output_item.done" && e.Data.GetProperty("item").GetProperty("type").GetString() == "function_call")
            .Select(e => e.Data.GetProperty("item")).ToList();
        Assert.Equal(["toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01E5RbVnFkq8Kx1ppu9SW7m2"], calls.Select(c => c.GetProperty("call_id").GetString()));
        Assert.Equal("Paris, France", JsonDocument.Parse(calls[1].GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());
        Assert.All(calls, c => Assert.Equal("completed", c.GetProperty("status").GetString()));
    }

    [Fact]
    public void Completed_event_carries_the_whole_response_with_usage_counting_cache_reads_and_writes_as_input()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        var events = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, translator));

        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("resp_test", response.GetProperty("id").GetString());
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal("claude-sonnet-4-5-20250929", response.GetProperty("model").GetString());
        Assert.Equal(["reasoning", "message", "function_call", "function_call"],
            response.GetProperty("output").EnumerateArray().Select(i => i.GetProperty("type").GetString()));
        var usage = response.GetProperty("usage");
        Assert.Equal(12 + 2048 + 18432, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(18432, usage.GetProperty("input_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(187, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(12 + 2048 + 18432 + 187, usage.GetProperty("total_tokens").GetInt32());

        Assert.Equal(new TokenUsage(12, 187, 0, 2048, 18432), translator.Usage);
        Assert.Equal("claude-sonnet-4-5-20250929", translator.UpstreamModel);
    }

    [Fact]
    public void Reasoning_item_carries_the_thinking_as_summary_and_the_signed_block_in_encrypted_content()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        var events = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, translator));

        var reasoning = events.First(e => e.Name == "response.output_item.done").Data.GetProperty("item");
        const string thinking = "The user wants the weather in two cities. I can call get_weather for both in parallel.";
        Assert.Equal(thinking, reasoning.GetProperty("summary")[0].GetProperty("text").GetString());
        string encrypted = reasoning.GetProperty("encrypted_content").GetString()!;
        Assert.StartsWith("relay.anthropic.v1:", encrypted);
        Assert.True(ReasoningEnvelope.TryDecode(encrypted, out var block));
        Assert.Equal(thinking, block!.Text);
        Assert.Equal("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ==", block.Signature);
    }

    [Fact]
    public void Any_chunking_of_the_upstream_gives_the_same_client_stream()
    {
        string whole = ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, new MessagesToResponsesStream(ResponsesKit.Turn()));
        var random = new Random(20250929);
        for (int run = 0; run < 25; run++)
        {
            string chunked = ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, new MessagesToResponsesStream(ResponsesKit.Turn()),
                () => random.Next(1, 64));
            Assert.Equal(whole, chunked);
        }
    }

    [Fact]
    public void Streamed_and_non_streamed_answers_give_the_same_items_and_usage()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        var streamed = ResponsesKit.Events(ResponsesKit.Stream(AnthropicTranscripts.ToolUseStream, translator))[^1].Data.GetProperty("response");

        var result = MessagesToResponsesResponse.Translate(System.Text.Encoding.UTF8.GetBytes(AnthropicTranscripts.ToolUseJson), ResponsesKit.Turn(), out var usage, out _);
        Assert.True(result.Ok);
        var whole = JsonDocument.Parse(result.Body).RootElement;

        Assert.Equal(translator.Usage, usage);
        Assert.Equal(streamed.GetProperty("usage").GetRawText(), whole.GetProperty("usage").GetRawText());
        var a = streamed.GetProperty("output").EnumerateArray().ToList();
        var b = whole.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].GetProperty("id").GetString(), b[i].GetProperty("id").GetString());
            if (a[i].GetProperty("type").GetString() == "function_call")
            {
                // Streamed arguments are Claude's JSON text as streamed; compare their meaning.
                Assert.Equal(JsonDocument.Parse(a[i].GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString(),
                    JsonDocument.Parse(b[i].GetProperty("arguments").GetString()!).RootElement.GetProperty("location").GetString());
            }
            else
            {
                Assert.Equal(a[i].GetRawText(), b[i].GetRawText());
            }
        }
    }

    [Fact]
    public void Max_tokens_ends_with_response_incomplete_not_completed()
    {
        var events = ResponsesKit.Events(ResponsesKit.Stream(ResponsesKit.Load("anthropic-max-tokens.sse"), new MessagesToResponsesStream(ResponsesKit.Turn())));

        Assert.Equal("response.incomplete", events[^1].Name);
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
    }

    [Fact]
    public void A_free_form_tool_call_becomes_a_custom_tool_call_with_the_raw_patch_text()
    {
        var events = ResponsesKit.Events(ResponsesKit.Stream(ResponsesKit.Load("anthropic-apply-patch.sse"), new MessagesToResponsesStream(ResponsesKit.Turn("apply_patch"))));

        Assert.Contains(events, e => e.Name == "response.custom_tool_call_input.done");
        var item = events.Single(e => e.Name == "response.output_item.done").Data.GetProperty("item");
        Assert.Equal("custom_tool_call", item.GetProperty("type").GetString());
        Assert.Equal("toolu_01PatchReadme9", item.GetProperty("call_id").GetString());
        Assert.Equal("*** Begin Patch\n*** Update File: README.md\n@@\n-Teh project\n+The project\n*** End Patch\n", item.GetProperty("input").GetString());
    }

    [Fact]
    public void Fail_mid_stream_ends_with_response_failed_and_nothing_after_it()
    {
        var translator = new MessagesToResponsesStream(ResponsesKit.Turn());
        string cut = AnthropicTranscripts.ToolUseStream[..AnthropicTranscripts.ToolUseStream.IndexOf("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2", StringComparison.Ordinal)];
        var output = new ArrayBufferWriter<byte>();
        string partial = ResponsesKit.Stream(cut, translator, complete: false);
        translator.Fail(AnthropicErrors.Timeout, "The upstream went quiet.", output);
        translator.Complete(output);
        translator.OnEvent("message_stop"u8, "{\"type\":\"message_stop\"}"u8, output);

        var events = ResponsesKit.Events(partial + System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal("response.failed", events[^1].Name);
        Assert.Single(events, e => e.Name == "response.failed");
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
        var response = events[^1].Data.GetProperty("response");
        Assert.Equal("failed", response.GetProperty("status").GetString());
        Assert.Equal("server_error", response.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("The upstream went quiet.", response.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(2, response.GetProperty("output").GetArrayLength());
    }

    [Fact]
    public void An_upstream_that_ends_without_message_stop_is_reported_as_failed()
    {
        string cut = AnthropicTranscripts.TextStream[..AnthropicTranscripts.TextStream.IndexOf("event: message_delta", StringComparison.Ordinal)];
        var events = ResponsesKit.Events(ResponsesKit.Stream(cut, new MessagesToResponsesStream(ResponsesKit.Turn())));

        Assert.Equal("response.failed", events[^1].Name);
        Assert.DoesNotContain(events, e => e.Name == "response.completed");
    }

    [Fact]
    public void An_Anthropic_error_event_mid_stream_becomes_response_failed_with_a_code_Codex_acts_on()
    {
        string stream = AnthropicTranscripts.TextStream[..AnthropicTranscripts.TextStream.IndexOf("event: content_block_stop", StringComparison.Ordinal)]
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        var events = ResponsesKit.Events(ResponsesKit.Stream(stream, new MessagesToResponsesStream(ResponsesKit.Turn())));

        Assert.Equal("response.failed", events[^1].Name);
        var error = events[^1].Data.GetProperty("response").GetProperty("error");
        Assert.Equal("server_is_overloaded", error.GetProperty("code").GetString());
        Assert.Equal("Overloaded", error.GetProperty("message").GetString());
    }
}
