using System.Text;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Sse;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class MessagesStreamObserverTests
{
    private static MessagesStreamObserver Observe(string transcript, int chunkSize = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(transcript);
        var observer = new MessagesStreamObserver();
        using var scanner = new SseEventScanner();
        for (int at = 0; at < bytes.Length; at += chunkSize)
        {
            Assert.True(scanner.Feed(bytes.AsSpan(at, Math.Min(chunkSize, bytes.Length - at)), observer));
        }

        Assert.False(scanner.HasPartialEvent);
        return observer;
    }

    [Fact]
    public void Records_usage_model_and_stop_reason_of_a_tool_use_stream()
    {
        var observer = Observe(AnthropicTranscripts.ToolUseStream);

        Assert.Equal(new TokenUsage(Input: 12, Output: 187, CacheWrite5m: 0, CacheWrite1h: 2048, CacheRead: 18432), observer.Usage);
        Assert.Equal("claude-sonnet-4-5-20250929", observer.Model);
        Assert.Equal("tool_use", observer.StopReason);
        Assert.Equal(AnthropicTranscripts.ToolUseStreamEventCount, observer.EventCount);
        Assert.True(observer.SawMessageStart);
        Assert.True(observer.SawMessageStop);
        Assert.False(observer.FirstEventWasError);
        Assert.Null(observer.ErrorType);
    }

    [Fact]
    public void Counts_cache_writes_without_a_breakdown_as_five_minute_writes()
    {
        var observer = Observe(AnthropicTranscripts.TextStream);

        Assert.Equal(new TokenUsage(Input: 25, Output: 15, CacheWrite5m: 1024, CacheWrite1h: 0, CacheRead: 0), observer.Usage);
        Assert.Equal("end_turn", observer.StopReason);
    }

    [Theory]
    [InlineData(AnthropicTranscripts.ToolUseStream, AnthropicTranscripts.ToolUseJson)]
    [InlineData(AnthropicTranscripts.TextStream, AnthropicTranscripts.TextJson)]
    public void Streamed_and_non_streamed_transcripts_record_equal_usage(string stream, string json)
    {
        var observer = Observe(stream);

        Assert.True(MessagesResponseReader.TryReadUsage(Encoding.UTF8.GetBytes(json), out var usage, out var model));
        Assert.Equal(usage, observer.Usage);
        Assert.Equal(model, observer.Model);
    }

    [Fact]
    public void Usage_is_the_same_for_every_split_of_the_stream()
    {
        var bytes = Encoding.UTF8.GetBytes(AnthropicTranscripts.ToolUseStream);
        var expected = Observe(AnthropicTranscripts.ToolUseStream).Usage;

        for (int split = 0; split <= bytes.Length; split++)
        {
            var observer = new MessagesStreamObserver();
            using var scanner = new SseEventScanner();
            scanner.Feed(bytes.AsSpan(0, split), observer);
            scanner.Feed(bytes.AsSpan(split), observer);
            Assert.Equal(expected, observer.Usage);
            Assert.True(observer.SawMessageStop);
        }

        Assert.Equal(expected, Observe(AnthropicTranscripts.ToolUseStream, chunkSize: 1).Usage);
    }

    [Fact]
    public void Message_delta_overrides_only_the_fields_it_carries()
    {
        var observer = new MessagesStreamObserver();
        observer.OnEvent("message_start"u8, """{"type":"message_start","message":{"model":"m","usage":{"input_tokens":100,"cache_creation_input_tokens":50,"cache_read_input_tokens":7,"output_tokens":1}}}"""u8);
        observer.OnEvent("message_delta"u8, """{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":null,"output_tokens":42,"cache_creation":{"ephemeral_5m_input_tokens":20,"ephemeral_1h_input_tokens":30}}}"""u8);

        Assert.Equal(new TokenUsage(100, 42, 20, 30, 7), observer.Usage);
        Assert.Equal("max_tokens", observer.StopReason);
        Assert.False(observer.SawMessageStop);
    }

    [Fact]
    public void A_first_error_event_is_recorded_for_failover()
    {
        var observer = Observe(AnthropicTranscripts.OverloadedStream);

        Assert.True(observer.FirstEventWasError);
        Assert.Equal("overloaded_error", observer.ErrorType);
        Assert.Equal("Overloaded", observer.ErrorMessage);
        Assert.False(observer.SawMessageStart);
        Assert.Equal(1, observer.EventCount);
    }

    [Fact]
    public void A_mid_stream_error_is_not_a_first_event_error()
    {
        var observer = Observe(AnthropicTranscripts.TextStream[..AnthropicTranscripts.TextStream.IndexOf("event: message_delta", StringComparison.Ordinal)]
            + AnthropicTranscripts.OverloadedStream);

        Assert.False(observer.FirstEventWasError);
        Assert.Equal("overloaded_error", observer.ErrorType);
        Assert.False(observer.SawMessageStop);
    }

    [Fact]
    public void Reads_events_from_hosts_that_omit_event_names()
    {
        var stream = string.Join("\n\n", AnthropicTranscripts.TextStream
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e[(e.IndexOf('\n', StringComparison.Ordinal) + 1)..])) + "\n\n";

        var observer = Observe(stream);

        Assert.Equal(new TokenUsage(25, 15, 1024, 0, 0), observer.Usage);
        Assert.True(observer.SawMessageStop);
    }

    [Fact]
    public void Malformed_event_data_is_ignored()
    {
        var observer = new MessagesStreamObserver();
        observer.OnEvent("message_start"u8, """{"type":"message_start","message":{"model":"m","usage":{"input_tokens":5"""u8);
        observer.OnEvent("message_delta"u8, "not json"u8);

        Assert.Equal(2, observer.EventCount);
        Assert.True(observer.SawMessageStart);
    }
}
