using System.Buffers;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Translation;

/// <summary>
/// Turns one upstream server-sent-event stream into the client's stream, event by event, as it arrives (never
/// buffering the whole answer). One instance per response; not thread-safe. The relay feeds it the events its
/// <see cref="Sse.SseEventScanner"/> completes and flushes whatever was written after each call.
/// </summary>
public interface IStreamTranslator
{
    /// <summary>Translates one upstream event; writes zero or more complete client events to <paramref name="output"/>.</summary>
    void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output);

    /// <summary>The upstream stream ended normally: write whatever closes the client's stream (e.g. <c>data: [DONE]</c>).</summary>
    void Complete(IBufferWriter<byte> output);

    /// <summary>
    /// The upstream failed after the client's stream began (cut, idle timeout, error event): end the client's
    /// stream with an error in the client's format — never a quiet, successful-looking end.
    /// </summary>
    void Fail(string errorType, string message, IBufferWriter<byte> output);

    /// <summary>Usage seen so far (complete once the stream ended), in Relay's token classes.</summary>
    TokenUsage Usage { get; }

    /// <summary>The model the upstream reported, once known.</summary>
    string? UpstreamModel { get; }
}
