namespace Relay.Protocols.Sse;

/// <summary>Receives each event an <see cref="SseEventScanner"/> completes.</summary>
public interface ISseEventSink
{
    /// <summary>
    /// Called once per dispatched event. Both spans point into the scanner's pooled buffers and are valid only
    /// during the call; copy what must outlive it.
    /// </summary>
    void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);
}
