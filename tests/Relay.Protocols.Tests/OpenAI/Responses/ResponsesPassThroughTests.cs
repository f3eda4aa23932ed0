using System.Text;
using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Sse;
using Relay.Protocols.Tests.Translation.Responses;
using Relay.Protocols.Translation;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.OpenAI.Responses;

public sealed class ResponsesPassThroughTests
{
    private static ResponsesStreamObserver Observe(string transcript)
    {
        var observer = new ResponsesStreamObserver();
        using var scanner = new SseEventScanner();
        Assert.True(scanner.Feed(Encoding.UTF8.GetBytes(transcript), observer));
        return observer;
    }

    [Fact]
    public void Stream_observer_records_usage_with_cached_input_split_out_and_the_served_model()
    {
        var observer = Observe(ResponsesKit.Load("openai-stream.sse"));

        Assert.Equal(new TokenUsage(Input: 1020, Output: 310, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: 20480), observer.Usage);
        Assert.Equal("gpt-5-codex-2025-09-15", observer.Model);
        Assert.True(observer.SawTerminalEvent);
        Assert.False(observer.Failed);
        Assert.Equal(3, observer.EventCount);
    }

    [Fact]
    public void Streamed_and_non_streamed_answers_record_equal_usage()
    {
        const string body = """{"id":"resp_68b0","object":"response","status":"completed","model":"gpt-5-codex-2025-09-15","output":[],"usage":{"input_tokens":21500,"input_tokens_details":{"cached_tokens":20480},"output_tokens":310,"output_tokens_details":{"reasoning_tokens":192},"total_tokens":21810}}""";

        Assert.True(ResponsesUsageReader.TryRead(Encoding.UTF8.GetBytes(body), out var usage, out var model));
        Assert.Equal(Observe(ResponsesKit.Load("openai-stream.sse")).Usage, usage);
        Assert.Equal("gpt-5-codex-2025-09-15", model);
        Assert.False(ResponsesUsageReader.TryRead("""{"error":{"message":"nope"}}"""u8, out _));
    }

    [Fact]
    public void Stream_observer_detects_failure_first_and_mid_stream()
    {
        var first = Observe("event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"Try again in 2s\"}}}\n\n");
        Assert.True(first.FirstEventWasError);
        Assert.True(first.Failed);
        Assert.Equal("rate_limit_exceeded", first.ErrorCode);
        Assert.Equal("Try again in 2s", first.ErrorMessage);

        var mid = Observe("data: {\"type\":\"response.created\",\"response\":{\"model\":\"gpt-5\"}}\n\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"boom\"}\n\n");
        Assert.False(mid.FirstEventWasError);
        Assert.True(mid.Failed);
        Assert.False(mid.SawTerminalEvent);
        Assert.Equal("server_error", mid.ErrorCode);
        Assert.Equal("gpt-5", mid.Model);
    }

    [Fact]
    public void Request_head_gives_model_position_cache_key_and_stream_and_the_model_can_be_spliced()
    {
        byte[] body = Encoding.UTF8.GetBytes(ResponsesKit.Load("codex-request.json"));

        Assert.True(ResponsesRequestReader.TryRead(body, out var head, out var error), error);
        Assert.Equal("claude-sonnet-4-5", head.Model);
        Assert.True(head.Stream);
        Assert.Equal("019a8f3c-5b7e-7d21-9c4a-2f1e0b6d8a93", head.PromptCacheKey);
        Assert.Null(head.PreviousResponseId);

        var rewritten = ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "gpt-5-codex");
        Assert.Equal("gpt-5-codex", JsonDocument.Parse(rewritten).RootElement.GetProperty("model").GetString());
        Assert.Equal(body.Length - "claude-sonnet-4-5".Length + "gpt-5-codex".Length, rewritten.Length);
    }

    [Theory]
    [InlineData("{\"input\":\"hi\"}", ResponsesRequestReader.ModelRequired)]
    [InlineData("{\"model\":\"m\",\"stream\":\"yes\"}", ResponsesRequestReader.StreamNotBoolean)]
    [InlineData("[1]", ResponsesRequestReader.NotAnObject)]
    [InlineData("{\"model\":", ResponsesRequestReader.InvalidJson)]
    public void Request_head_errors_are_client_safe(string body, string expected)
    {
        Assert.False(ResponsesRequestReader.TryRead(Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Refusals_answer_in_OpenAIs_error_shape_naming_the_param()
    {
        var body = JsonDocument.Parse(ResponsesErrors.Body(new TranslationError("tools[3].type", "tool type 'file_search' is an OpenAI-hosted tool."))).RootElement;

        var error = body.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("tools[3].type", error.GetProperty("param").GetString());
        Assert.StartsWith("Field 'tools[3].type':", error.GetProperty("message").GetString());
    }
}
