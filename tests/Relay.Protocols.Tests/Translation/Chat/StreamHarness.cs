using System.Buffers;
using System.Text;
using Relay.Protocols.Sse;
using Relay.Protocols.Translation;

namespace Relay.Protocols.Tests.Translation.Chat;

/// <summary>Feeds an upstream SSE transcript through <see cref="SseEventScanner"/> into a translator, as the relay does.</summary>
internal static class StreamHarness
{
    /// <param name="random">Null: one chunk. Otherwise chunks of 1–64 random bytes, so events split anywhere.</param>
    /// <param name="complete">Call Complete at the end (the upstream closed normally).</param>
    public static string Run(IStreamTranslator translator, byte[] upstream, Random? random = null, bool complete = true)
    {
        var output = new ArrayBufferWriter<byte>();
        var sink = new Sink(translator, output);
        using var scanner = new SseEventScanner();
        for (int at = 0; at < upstream.Length;)
        {
            int size = random is null ? upstream.Length : Math.Min(random.Next(1, 65), upstream.Length - at);
            Assert.True(scanner.Feed(upstream.AsSpan(at, size), sink));
            at += size;
        }

        if (complete)
        {
            translator.Complete(output);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The data lines of a Chat stream's events.</summary>
    public static List<string> DataLines(string sse) =>
        sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : e).ToList();

    private sealed class Sink(IStreamTranslator translator, IBufferWriter<byte> output) : ISseEventSink
    {
        public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => translator.OnEvent(eventName, data, output);
    }
}
