using Relay.Protocols.Anthropic;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class MessagesResponseReaderTests
{
    [Fact]
    public void Reads_usage_with_the_cache_breakdown()
    {
        Assert.True(MessagesResponseReader.TryReadUsage(
            """{"usage":{"input_tokens":3,"output_tokens":4,"cache_creation_input_tokens":30,"cache_read_input_tokens":5,"cache_creation":{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":20}},"model":"claude-opus-4-1"}"""u8,
            out var usage, out var model));

        Assert.Equal(new TokenUsage(3, 4, 10, 20, 5), usage);
        Assert.Equal("claude-opus-4-1", model);
    }

    [Theory]
    [InlineData("""{"input_tokens": 2095}""")]
    [InlineData("""{"type":"error","error":{"type":"api_error","message":"boom"}}""")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("""{"usage":{"input_tokens":1""")]
    [InlineData("[]")]
    public void Returns_false_without_a_usage_object(string body)
    {
        Assert.False(MessagesResponseReader.TryReadUsage(System.Text.Encoding.UTF8.GetBytes(body), out var usage, out _));
        Assert.Equal(default, usage);
    }
}
