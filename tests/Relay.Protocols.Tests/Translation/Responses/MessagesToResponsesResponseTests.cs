using System.Text;
using System.Text.Json;
using Relay.Protocols.Tests.TestData;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Translation.Responses;

public sealed class MessagesToResponsesResponseTests
{
    [Fact]
    public void A_text_answer_becomes_a_completed_response_with_one_message_and_usage()
    {
        var result = MessagesToResponsesResponse.Translate(Encoding.UTF8.GetBytes(AnthropicTranscripts.TextJson), ResponsesKit.Turn(), out var usage, out var model);

        Assert.True(result.Ok);
        var response = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal("resp_test", response.GetProperty("id").GetString());
        Assert.Equal("response", response.GetProperty("object").GetString());
        Assert.Equal(1_756_300_000, response.GetProperty("created_at").GetInt64());
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal("claude-3-5-sonnet-20240620", response.GetProperty("model").GetString());
        var message = response.GetProperty("output")[0];
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Hello! How can I help?", message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(0, message.GetProperty("content")[0].GetProperty("annotations").GetArrayLength());
        Assert.Equal(25 + 1024, response.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(new TokenUsage(25, 15, 1024, 0, 0), usage);
        Assert.Equal("claude-3-5-sonnet-20240620", model);
    }

    [Fact]
    public void Max_tokens_is_an_incomplete_response()
    {
        const string body = """{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"Once upon a"}],"stop_reason":"max_tokens","usage":{"input_tokens":30,"output_tokens":3}}""";
        var result = MessagesToResponsesResponse.Translate(Encoding.UTF8.GetBytes(body), ResponsesKit.Turn(), out _, out _);

        var response = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal("incomplete", response.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    [Fact]
    public void A_body_that_is_not_a_message_is_the_upstreams_fault()
    {
        var result = MessagesToResponsesResponse.Translate("<html>502</html>"u8.ToArray(), ResponsesKit.Turn(), out _, out _);

        Assert.False(result.Ok);
        Assert.Equal("(upstream)", result.Error!.Field);
    }
}
