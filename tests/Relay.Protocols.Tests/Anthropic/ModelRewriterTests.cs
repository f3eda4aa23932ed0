using System.Buffers;
using System.Text;
using Relay.Protocols.Anthropic;

namespace Relay.Protocols.Tests.Anthropic;

public sealed class ModelRewriterTests
{
    private const string Body = """{"model":"claude-3-opus","messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"…","signature":"Eq+/=="}]}], "stream": true}""";

    private static MessagesRequestHead Head(byte[] body)
    {
        Assert.True(MessagesRequestReader.TryRead(body, out var head, out _));
        return head;
    }

    [Fact]
    public void Replaces_only_the_model_token()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var head = Head(body);

        var rewritten = ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "claude-opus-4-1-20250805");

        Assert.Equal(Body.Replace("claude-3-opus", "claude-opus-4-1-20250805", StringComparison.Ordinal), Encoding.UTF8.GetString(rewritten));
        Assert.Equal("claude-opus-4-1-20250805", Head(rewritten).Model);
    }

    [Fact]
    public void Escapes_the_new_model()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var head = Head(body);

        var rewritten = ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "we\"ird\\mödel");

        Assert.Equal("we\"ird\\mödel", Head(rewritten).Model);
        Assert.EndsWith(Body[(head.ModelValueStart + head.ModelValueLength)..], Encoding.UTF8.GetString(rewritten), StringComparison.Ordinal);
    }

    [Fact]
    public void Buffer_writer_overload_matches_the_array_one()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var head = Head(body);
        var writer = new ArrayBufferWriter<byte>();

        ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "x", writer);

        Assert.Equal(ModelRewriter.Replace(body, head.ModelValueStart, head.ModelValueLength, "x"), writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(8, 1)]
    [InlineData(10, 14)]
    [InlineData(8, 500)]
    public void Rejects_a_range_that_is_not_a_string_token(int start, int length)
    {
        var body = Encoding.UTF8.GetBytes(Body);

        Assert.Throws<ArgumentException>(() => ModelRewriter.Replace(body, start, length, "x"));
    }
}
