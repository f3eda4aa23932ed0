using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Sse;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Tests.Translation.Responses;

/// <summary>Helpers shared by the Responses translation tests: test data, translation, and stream runs.</summary>
internal static class ResponsesKit
{
    public static readonly ResponsesTranslationOptions Options = new()
    {
        TimeProvider = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_756_300_000)),
    };

    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "responses", name));

    public static ResponsesTurn Turn(params string[] freeformTools) =>
        ResponsesTurn.Create("resp_test", 1_756_300_000, "claude-sonnet-4-5", freeformTools);

    /// <summary>Translates a Responses request that must succeed; returns the Anthropic request.</summary>
    public static JsonElement Request(string json, out ResponsesTurn turn, ResponsesTranslationOptions? options = null)
    {
        var result = ResponsesToMessagesRequest.Translate(Encoding.UTF8.GetBytes(json), options ?? Options, out var made);
        Assert.True(result.Ok, result.Error?.ToString());
        turn = made!;
        return JsonDocument.Parse(result.Body).RootElement;
    }

    public static TranslationError Refusal(string json)
    {
        var result = ResponsesToMessagesRequest.Translate(Encoding.UTF8.GetBytes(json), Options, out var turn);
        Assert.False(result.Ok);
        Assert.Null(turn);
        return result.Error!;
    }

    /// <summary>Feeds an Anthropic SSE transcript through the scanner, in chunks of the sizes <paramref name="chunkSizes"/> yields, into the translator.</summary>
    public static string Stream(string transcript, MessagesToResponsesStream translator, Func<int>? chunkSizes = null, bool complete = true)
    {
        var bytes = Encoding.UTF8.GetBytes(transcript);
        var output = new ArrayBufferWriter<byte>();
        var sink = new TranslatorSink(translator, output);
        using var scanner = new SseEventScanner();
        for (int at = 0; at < bytes.Length;)
        {
            int size = Math.Min(chunkSizes?.Invoke() ?? bytes.Length, bytes.Length - at);
            Assert.True(scanner.Feed(bytes.AsSpan(at, size), sink));
            at += size;
        }

        if (complete)
        {
            translator.Complete(output);
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>The client's view of a Responses stream: each event's name and parsed data.</summary>
    public static List<(string Name, JsonElement Data)> Events(string sse)
    {
        var sink = new Sse.RecordingSink();
        using var scanner = new SseEventScanner();
        Assert.True(scanner.Feed(Encoding.UTF8.GetBytes(sse), sink));
        Assert.False(scanner.HasPartialEvent);
        return sink.Events.Select(e => (e.Name, JsonDocument.Parse(e.Data).RootElement)).ToList();
    }

    private sealed class TranslatorSink(IStreamTranslator translator, IBufferWriter<byte> output) : ISseEventSink
    {
        public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => translator.OnEvent(eventName, data, output);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
