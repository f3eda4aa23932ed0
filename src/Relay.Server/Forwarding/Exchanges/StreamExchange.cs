using System.Buffers;
using Relay.Protocols.Sse;
using Relay.Protocols.Translation;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// One upstream stream on its way to the client. Every event goes to the upstream-shape observer (failover,
/// usage, proper end). Then one of three things happens to the bytes:
/// <list type="bullet">
/// <item><b>raw</b> (<see cref="PassesRawBytes"/>): the relay copies the upstream's bytes event by event, untouched;</item>
/// <item><b>filtered</b>: same shape, but an event Relay caused must be hidden (the usage chunk of a Chat stream
/// Relay asked for): kept events are re-framed as <c>data: …\n\n</c>, exactly how OpenAI frames them;</item>
/// <item><b>translated</b>: a translator writes the client's shape.</item>
/// </list>
/// </summary>
internal sealed class StreamExchange(string clientShape, UpstreamStreamObserver observer, IStreamTranslator? translator, bool filtered) : ISseEventSink
{
    public UpstreamStreamObserver Observer { get; } = observer;

    /// <summary>Client bytes produced by filtering or translating, not yet written.</summary>
    public ArrayBufferWriter<byte> Output { get; } = new(4096);

    public bool PassesRawBytes => translator is null && !filtered;

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        Observer.OnEvent(eventName, data);
        if (translator is not null)
        {
            translator.OnEvent(eventName, data, Output);
        }
        else if (filtered && !Observer.DropCurrentEvent)
        {
            if (!eventName.SequenceEqual("message"u8))
            {
                Output.Write("event: "u8);
                Output.Write(eventName);
                Output.Write("\n"u8);
            }

            Output.Write("data: "u8);
            Output.Write(data);
            Output.Write("\n\n"u8);
        }
    }

    /// <summary>The upstream closed the stream: finish the client's stream (an error if the answer was cut).</summary>
    /// <returns>true when the upstream ended properly.</returns>
    public bool Complete()
    {
        if (translator is not null)
        {
            translator.Complete(Output);
            return Observer.EndedProperly;
        }

        if (!Observer.EndedProperly)
        {
            ClientStreamErrors.Write(clientShape, "api_error", "The upstream stream ended unexpectedly; the answer is incomplete.", Output);
            return false;
        }

        return true;
    }

    /// <summary>The upstream failed mid-stream (cut, stalled): end the client's stream with an error in its format.</summary>
    public void Fail(string errorType, string message)
    {
        if (translator is not null)
        {
            translator.Fail(errorType, message, Output);
        }
        else
        {
            ClientStreamErrors.Write(clientShape, errorType, message, Output);
        }
    }
}
