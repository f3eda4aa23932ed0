using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Chat;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Translation.Chat;

/// <summary>Anthropic answers → Chat answers, streamed and not.</summary>
public sealed class MessagesToChatTests
{
    private const long Created = 1750000000;

    private static readonly TokenUsage ToolUseUsage = new(Input: 12, Output: 187, CacheWrite5m: 0, CacheWrite1h: 2048, CacheRead: 18432);

    [Fact]
    public void Non_streamed_answer_with_thinking_text_and_parallel_tool_calls_matches_the_golden_file()
    {
        var result = MessagesToChatResponse.Translate(ChatTestData.Bytes("anthropic-thinking-tools.json"), out var usage, "claude-sonnet-4-5", Created);

        Assert.True(result.Ok);
        Assert.Equal(ToolUseUsage, usage);
        Golden.Assert("chat-from-anthropic-thinking-tools.json", Encoding.UTF8.GetString(result.Body!) + "\n");
        var body = JsonNode.Parse(result.Body)!;
        var message = body["choices"]![0]!["message"]!;
        Assert.Equal("tool_calls", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.Equal("claude-sonnet-4-5-20250929", (string?)body["model"]);
        Assert.Equal(2, message["tool_calls"]!.AsArray().Count);
        Assert.Equal("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}", (string?)message["tool_calls"]![1]!["function"]!["arguments"]);
        Assert.Equal("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds6Bc+Lz5Hq0nXQ3cU1dHZpbQ==", (string?)message["reasoning_details"]![0]!["signature"]);
        // OpenAI counts cached tokens inside prompt_tokens: 12 + 18432 read + 2048 written.
        Assert.Equal(20492, (int)body["usage"]!["prompt_tokens"]!);
        Assert.Equal(18432, (int)body["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(20492 + 187, (int)body["usage"]!["total_tokens"]!);
    }

    [Fact]
    public void Streamed_answer_matches_the_golden_file_and_reports_the_same_usage_as_the_non_streamed_one()
    {
        var translator = new MessagesToChatStream(includeUsage: true, "claude-sonnet-4-5", Created);

        string output = StreamHarness.Run(translator, ChatTestData.Bytes("anthropic-thinking-tools.sse"));

        Golden.Assert("chat-from-anthropic-thinking-tools.sse", output);
        Assert.Equal(ToolUseUsage, translator.Usage);
        Assert.Equal("claude-sonnet-4-5-20250929", translator.UpstreamModel);
        Assert.True(translator.EndedProperly);
    }

    [Fact]
    public void Streamed_tool_calls_keep_their_own_index_and_only_the_first_delta_names_the_call()
    {
        string output = StreamHarness.Run(new MessagesToChatStream(includeUsage: false, null, Created), ChatTestData.Bytes("anthropic-thinking-tools.sse"));

        var calls = StreamHarness.DataLines(output).Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!)
            .Select(c => c["choices"]![0]!["delta"]!["tool_calls"]?[0]).Where(c => c is not null).ToList();
        var first = calls.Where(c => (int)c!["index"]! == 0).ToList();
        var second = calls.Where(c => (int)c!["index"]! == 1).ToList();
        Assert.Equal("toolu_01T1x1fJ34qAmk2tNTrN7Up6", (string?)first[0]!["id"]);
        Assert.Equal("", (string?)first[0]!["function"]!["arguments"]);
        Assert.All(first.Skip(1), c => Assert.Null(c!["id"]));
        Assert.Equal("{\"location\": \"San Francisco, CA\", \"unit\": \"celsius\"}", string.Concat(first.Select(c => (string?)c!["function"]!["arguments"])));
        Assert.Equal("{\"location\": \"Paris, France\", \"unit\": \"celsius\"}", string.Concat(second.Select(c => (string?)c!["function"]!["arguments"])));
    }

    [Fact]
    public void Without_include_usage_the_stream_ends_with_finish_reason_then_done()
    {
        string output = StreamHarness.Run(new MessagesToChatStream(includeUsage: false, null, Created), ChatTestData.Bytes("anthropic-text-cache.sse"));

        var lines = StreamHarness.DataLines(output);
        Assert.Equal("[DONE]", lines[^1]);
        var last = JsonNode.Parse(lines[^2])!;
        Assert.Equal("stop", (string?)last["choices"]![0]!["finish_reason"]);
        Assert.DoesNotContain(lines, l => l.Contains("\"usage\"", StringComparison.Ordinal));
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal("assistant", (string?)first["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("Hello! How can I help?", string.Concat(lines.Where(l => l.StartsWith('{')).Select(l => (string?)JsonNode.Parse(l)!["choices"]![0]!["delta"]!["content"])));
    }

    [Fact]
    public void Output_is_identical_however_the_upstream_bytes_are_chunked()
    {
        var upstream = ChatTestData.Bytes("anthropic-thinking-tools.sse");
        string whole = StreamHarness.Run(new MessagesToChatStream(true, null, Created), upstream);
        var random = new Random(20250605);
        for (int run = 0; run < 25; run++)
        {
            Assert.Equal(whole, StreamHarness.Run(new MessagesToChatStream(true, null, Created), upstream, random));
        }
    }

    [Fact]
    public void A_stream_cut_in_the_middle_of_a_tool_call_ends_with_an_error_chunk_and_no_done()
    {
        string full = ChatTestData.Text("anthropic-thinking-tools.sse");
        string cut = full[..(full.IndexOf("ncisco, CA", StringComparison.Ordinal) - 40)];
        cut = cut[..(cut.LastIndexOf("\n\n", StringComparison.Ordinal) + 2)];
        var translator = new MessagesToChatStream(true, null, Created);

        string output = StreamHarness.Run(translator, Encoding.UTF8.GetBytes(cut));

        var lines = StreamHarness.DataLines(output);
        var error = JsonNode.Parse(lines[^1])!["error"]!;
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.DoesNotContain("[DONE]", lines);
        Assert.False(translator.EndedProperly);
    }

    [Fact]
    public void An_upstream_error_event_and_a_relay_failure_become_one_error_chunk()
    {
        var translator = new MessagesToChatStream(true, null, Created);
        var text = ChatTestData.Text("anthropic-text-cache.sse");
        string head = text[..text.IndexOf("event: content_block_stop", StringComparison.Ordinal)];
        string upstream = head + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        string output = StreamHarness.Run(translator, Encoding.UTF8.GetBytes(upstream));

        var lines = StreamHarness.DataLines(output);
        var error = JsonNode.Parse(lines[^1])!["error"]!;
        Assert.Equal("Overloaded", (string?)error["message"]);
        Assert.Equal("overloaded_error", (string?)error["code"]);
        Assert.Single(lines, l => l.Contains("\"error\"", StringComparison.Ordinal));
        Assert.DoesNotContain("[DONE]", lines);
    }

    [Fact]
    public void Ping_events_produce_nothing()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var translator = new MessagesToChatStream(false, null, Created);

        translator.OnEvent("ping"u8, "{\"type\": \"ping\"}"u8, output);

        Assert.Equal(0, output.WrittenCount);
    }
}
