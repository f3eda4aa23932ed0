using System.Text;
using Relay.Protocols.Sse;
using Relay.Protocols.Tests.TestData;

namespace Relay.Protocols.Tests.Sse;

public sealed class SseEventScannerTests
{
    private static List<(string Name, string Data)> Scan(params byte[][] chunks)
    {
        using var scanner = new SseEventScanner();
        var sink = new RecordingSink();
        foreach (var chunk in chunks)
        {
            Assert.True(scanner.Feed(chunk, sink));
        }

        Assert.False(scanner.HasPartialEvent);
        return sink.Events;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Parses_the_recorded_stream_in_order()
    {
        var events = Scan(Utf8(AnthropicTranscripts.ToolUseStream));

        Assert.Equal(AnthropicTranscripts.ToolUseStreamEventCount, events.Count);
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("ping", events[2].Name);
        Assert.Equal("""{"type": "ping"}""", events[2].Data);
        Assert.Equal("message_stop", events[^1].Name);
        Assert.Equal("""{"type":"message_stop"}""", events[^1].Data);
        Assert.Contains(events, e => e.Data.Contains("signature_delta", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Every_two_way_split_gives_the_same_events(string lineEnding)
    {
        var bytes = Utf8(AnthropicTranscripts.ToolUseStream.Replace("\n", lineEnding, StringComparison.Ordinal));
        var expected = Scan(Utf8(AnthropicTranscripts.ToolUseStream));

        for (int split = 0; split <= bytes.Length; split++)
        {
            var events = Scan(bytes[..split], bytes[split..]);
            Assert.Equal(expected, events);
        }
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void One_byte_chunks_give_the_same_events(string lineEnding)
    {
        var bytes = Utf8(AnthropicTranscripts.ToolUseStream.Replace("\n", lineEnding, StringComparison.Ordinal));
        var chunks = bytes.Select(b => new[] { b }).ToArray();

        Assert.Equal(Scan(Utf8(AnthropicTranscripts.ToolUseStream)), Scan(chunks));
    }

    [Fact]
    public void Empty_chunks_between_cr_and_lf_do_not_break_the_line_ending()
    {
        var events = Scan(Utf8("event: a\r"), [], Utf8("\ndata: x\r"), [], Utf8("\n\r\n"));

        Assert.Equal([("a", "x")], events);
    }

    [Fact]
    public void Joins_data_lines_with_newlines_and_strips_one_leading_space()
    {
        var events = Scan(Utf8("data:first\ndata:  second\ndata\ndata: \n\n"));

        Assert.Equal([("message", "first\n second\n\n")], events);
    }

    [Fact]
    public void Ignores_comments_unknown_fields_and_events_without_data()
    {
        var events = Scan(Utf8(": keep-alive\n\nevent: lonely\n\nid: 7\nretry: 100\nfoo: bar\nevent: real\ndata: {}\n\n"));

        Assert.Equal([("real", "{}")], events);
    }

    [Fact]
    public void Strips_a_byte_order_mark_even_when_split()
    {
        var bytes = Utf8("\uFEFFevent: a\ndata: 1\n\n");

        Assert.Equal([("a", "1")], Scan(bytes[..1], bytes[1..2], bytes[2..]));
        Assert.Equal([("a", "1")], Scan(bytes));
    }

    [Fact]
    public void A_partial_byte_order_mark_stays_part_of_the_first_line()
    {
        // "\xEFdata: x" names an unknown field, so nothing is dispatched; the 0xEF byte was not silently dropped.
        Assert.Empty(Scan([0xEF], Utf8("data: x\n\n")));
        Assert.Equal([("a", "1")], Scan([0xEF], Utf8("\ndata: 1\nevent: a\n\n")));
    }

    [Fact]
    public void Reports_a_cut_stream_as_a_partial_event()
    {
        using var scanner = new SseEventScanner();
        var sink = new RecordingSink();

        scanner.Feed(Utf8("event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: content_block_delta\n"), sink);
        Assert.True(scanner.HasPartialEvent);
        Assert.Single(sink.Events);

        scanner.Feed(Utf8("data: {}\n\n"), sink);
        Assert.False(scanner.HasPartialEvent);

        scanner.Feed(Utf8("data: {\"type\":\"mess"), sink);
        Assert.True(scanner.HasPartialEvent);
    }

    [Fact]
    public void Fails_instead_of_growing_past_the_event_bound()
    {
        using var scanner = new SseEventScanner(maxEventBytes: 64);
        var sink = new RecordingSink();

        Assert.True(scanner.Feed(Utf8("data: " + new string('a', 40) + "\n\n"), sink));
        Assert.False(scanner.Feed(Utf8("data: " + new string('b', 40) + "\ndata: " + new string('c', 40)), sink));
        Assert.True(scanner.IsFaulted);
        Assert.False(scanner.Feed(Utf8("\n\n"), sink));
        Assert.Single(sink.Events);
    }

    [Fact]
    public void Bounds_a_line_that_never_ends()
    {
        using var scanner = new SseEventScanner(maxEventBytes: 1024);
        var sink = new RecordingSink();
        var chunk = Utf8(new string('x', 100));

        bool ok = true;
        for (int i = 0; i < 20 && ok; i++)
        {
            ok = scanner.Feed(chunk, sink);
        }

        Assert.False(ok);
    }

    [Fact]
    public void Handles_an_event_larger_than_the_retained_buffer()
    {
        var big = new string('z', 300_000);
        var events = Scan(Utf8("event: big\ndata: " + big + "\n\nevent: small\ndata: 1\n\n"));

        Assert.Equal([("big", big), ("small", "1")], events);
    }

    [Fact]
    public void Feed_after_dispose_throws()
    {
        var scanner = new SseEventScanner();
        scanner.Dispose();
        scanner.Dispose();

        Assert.Throws<ObjectDisposedException>(() => scanner.Feed(Utf8("data: x\n\n"), new RecordingSink()));
    }
}
