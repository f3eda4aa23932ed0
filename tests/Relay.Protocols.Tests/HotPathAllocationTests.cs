using System.Text;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Sse;

namespace Relay.Protocols.Tests;

/// <summary>Guards the per-chunk and per-request paths against accidental allocations.</summary>
public sealed class HotPathAllocationTests
{
    [Fact]
    public void Scanning_and_observing_content_deltas_allocates_nothing()
    {
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(
            "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello there\"}}\r\n\r\nevent: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n",
            20)));
        var observer = new MessagesStreamObserver();
        using var scanner = new SseEventScanner();
        scanner.Feed(chunk.AsSpan(0, 77), observer);
        scanner.Feed(chunk.AsSpan(77), observer);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            scanner.Feed(chunk.AsSpan(0, 77), observer);
            scanner.Feed(chunk.AsSpan(77), observer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2040, observer.EventCount);
    }

    [Fact]
    public void Reading_a_large_request_allocates_only_the_returned_values()
    {
        var body = Encoding.UTF8.GetBytes("{\"model\":\"claude-sonnet-4-5\",\"system\":\"s\",\"messages\":["
            + string.Join(',', Enumerable.Range(0, 500).Select(i => "{\"role\":\"" + (i % 2 == 0 ? "user" : "assistant") + "\",\"content\":\"" + new string('x', 1000) + "\"}"))
            + "],\"stream\":true}");
        MessagesRequestReader.TryRead(body, out _, out _);

        // Steady state: the smallest of a few reads, so a tier-up of the reader that happens to land in the measured
        // call (the JIT's bookkeeping, not the reader's) cannot fail the test when many tests run at once.
        long allocated = long.MaxValue;
        MessagesRequestHead head = default;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.True(MessagesRequestReader.TryRead(body, out head, out _));
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(body.Length > 500_000);
        Assert.NotNull(head.SessionKey);
        Assert.True(allocated < 2048, $"allocated {allocated} bytes");
    }
}
