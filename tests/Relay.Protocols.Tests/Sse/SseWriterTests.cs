using System.Buffers;
using System.Text;
using Relay.Protocols.Sse;

namespace Relay.Protocols.Tests.Sse;

public sealed class SseWriterTests
{
    [Fact]
    public void Writes_one_event()
    {
        var bytes = SseWriter.Event("message_stop", """{"type":"message_stop"}"""u8);

        Assert.Equal("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Splits_multi_line_data_into_data_lines_that_parse_back()
    {
        var bytes = SseWriter.Event("x", "{\n  \"a\": 1\r\n}"u8);

        Assert.Equal("event: x\ndata: {\ndata:   \"a\": 1\ndata: }\n\n", Encoding.UTF8.GetString(bytes));
        using var scanner = new SseEventScanner();
        var sink = new RecordingSink();
        scanner.Feed(bytes, sink);
        Assert.Equal([("x", "{\n  \"a\": 1\n}")], sink.Events);
    }

    [Fact]
    public void Buffer_writer_overload_matches_the_array_one()
    {
        var writer = new ArrayBufferWriter<byte>();
        SseWriter.WriteEvent(writer, "ping"u8, """{"type": "ping"}"""u8);

        Assert.Equal(SseWriter.Event("ping", """{"type": "ping"}"""u8), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Rejects_line_breaks_in_the_event_name()
    {
        Assert.Throws<ArgumentException>(() => SseWriter.Event("a\nb", "{}"u8));
    }
}
