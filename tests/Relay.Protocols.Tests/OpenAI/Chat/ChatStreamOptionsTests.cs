using System.Text;
using System.Text.Json.Nodes;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.OpenAI.Chat;

public sealed class ChatStreamOptionsTests
{
    private static string Ensure(string json, out bool added) =>
        Encoding.UTF8.GetString(ChatStreamOptions.EnsureIncludeUsage(Encoding.UTF8.GetBytes(json), out added));

    [Theory]
    [InlineData("""{"model":"m", "stream":true}""", """{"model":"m", "stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"stream":true,"stream_options":{}}""", """{"stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"stream":true,"stream_options":{"x":1}}""", """{"stream":true,"stream_options":{"include_usage":true,"x":1}}""")]
    [InlineData("""{"stream":true,"stream_options":{"include_usage": false}}""", """{"stream":true,"stream_options":{"include_usage": true}}""")]
    [InlineData("""{"stream_options":null,"stream":true}""", """{"stream_options":{"include_usage":true},"stream":true}""")]
    public void Adds_include_usage_touching_only_the_bytes_that_must_change(string request, string expected)
    {
        Assert.Equal(expected, Ensure(request, out bool added));
        Assert.True(added);
    }

    [Theory]
    [InlineData("""{"stream":true,"stream_options":{"include_usage":true}}""")]
    [InlineData("""{"model":"m","stream":false}""")]
    [InlineData("""{"model":"m"}""")]
    [InlineData("""not json""")]
    public void Leaves_the_request_unchanged_when_usage_is_already_asked_for_or_not_streamed(string request)
    {
        Assert.Equal(request, Ensure(request, out bool added));
        Assert.False(added);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void The_observer_records_usage_and_drops_the_usage_chunk_only_when_Relay_added_it(bool relayAdded, bool dropped)
    {
        const string stream = """
            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

            data: [DONE]


            """;
        var observer = new ChatStreamObserver(relayAdded);
        var forwarded = new List<string>();
        using var scanner = new SseEventScanner();
        scanner.Feed(Encoding.UTF8.GetBytes(stream.ReplaceLineEndings("\n")), new Forwarder(observer, forwarded));

        Assert.Equal(new TokenUsage(Input: 86, Output: 300, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: 1920), observer.Usage);
        Assert.Equal("gpt-4o-2024-08-06", observer.Model);
        Assert.Equal("stop", observer.FinishReason);
        Assert.True(observer.EndedProperly);
        Assert.Equal(dropped ? 4 : 5, forwarded.Count);
        Assert.Equal(!dropped, forwarded.Any(f => f.Contains("\"usage\"", StringComparison.Ordinal)));
        Assert.Equal("[DONE]", forwarded[^1]);
    }

    [Fact]
    public void A_stream_without_done_did_not_end_properly()
    {
        var observer = new ChatStreamObserver(false);
        observer.OnEvent("message"u8, """{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"""u8);

        Assert.False(observer.EndedProperly);
    }

    [Fact]
    public void Reads_usage_of_a_non_streamed_body()
    {
        var body = """{"id":"c","object":"chat.completion","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":64}}}"""u8;

        Assert.True(ChatUsageReader.TryRead(body, out var usage));
        Assert.Equal(new TokenUsage(36, 20, 0, 0, 64), usage);
        Assert.False(ChatUsageReader.TryRead("""{"error":{"message":"x"}}"""u8, out _));
    }

    [Fact]
    public void Locates_the_model_token_so_ModelRewriter_can_splice_a_mapped_model()
    {
        var body = Encoding.UTF8.GetBytes("""{"messages":[],"model" : "gpt-4o","stream":true,"stream_options":{"include_usage":true}}""");

        Assert.True(ChatRequestReader.TryRead(body, out var head, out _));
        var rewritten = Relay.Protocols.Anthropic.ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "gpt-4.1");

        Assert.Equal("gpt-4.1", (string?)JsonNode.Parse(rewritten)!["model"]);
        Assert.True(head.Stream);
        Assert.True(head.IncludeUsage);
    }

    private sealed class Forwarder(ChatStreamObserver observer, List<string> forwarded) : ISseEventSink
    {
        public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
        {
            observer.OnEvent(eventName, data);
            if (!observer.DropCurrentEvent)
            {
                forwarded.Add(Encoding.UTF8.GetString(data));
            }
        }
    }
}
