using Relay.Core.Accounts;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// What the relay reads from an upstream stream whatever its shape: whether the first event was an error (fail
/// over), whether it ended properly, usage and model, and whether the current event is one Relay itself caused
/// and must hide from the client (the usage chunk of a Chat stream Relay asked for).
/// </summary>
internal abstract class UpstreamStreamObserver : ISseEventSink
{
    public abstract int EventCount { get; }
    public abstract bool FirstEventWasError { get; }

    /// <summary>The upstream's error type of a first-event error, in Anthropic's vocabulary where it maps.</summary>
    public abstract string? ErrorType { get; }
    public abstract bool EndedProperly { get; }
    public abstract TokenUsage Usage { get; }
    public abstract string? Model { get; }
    public virtual bool DropCurrentEvent => false;

    public abstract void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data);

    public static UpstreamStreamObserver For(string upstreamShape, bool relayAddedIncludeUsage) => upstreamShape switch
    {
        WireShapes.Chat => new Chat(new ChatStreamObserver(relayAddedIncludeUsage)),
        WireShapes.Responses => new Responses(new ResponsesStreamObserver()),
        _ => new Messages(new MessagesStreamObserver()),
    };

    private sealed class Messages(MessagesStreamObserver inner) : UpstreamStreamObserver
    {
        public override int EventCount => inner.EventCount;
        public override bool FirstEventWasError => inner.FirstEventWasError;
        public override string? ErrorType => inner.ErrorType;
        public override bool EndedProperly => inner.SawMessageStop;
        public override TokenUsage Usage => inner.Usage;
        public override string? Model => inner.Model;

        public override void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => inner.OnEvent(eventName, data);
    }

    private sealed class Chat(ChatStreamObserver inner) : UpstreamStreamObserver
    {
        public override int EventCount => inner.EventCount;

        // A Chat stream reports errors as a data: {"error": …} event; as the first event it means the call failed.
        public override bool FirstEventWasError => inner.EventCount == 1 && inner.SawError;
        public override string? ErrorType => inner.SawError ? "api_error" : null;
        public override bool EndedProperly => inner.EndedProperly;
        public override TokenUsage Usage => inner.Usage;
        public override string? Model => inner.Model;
        public override bool DropCurrentEvent => inner.DropCurrentEvent;

        public override void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => inner.OnEvent(eventName, data);
    }

    private sealed class Responses(ResponsesStreamObserver inner) : UpstreamStreamObserver
    {
        public override int EventCount => inner.EventCount;
        public override bool FirstEventWasError => inner.FirstEventWasError;
        public override string? ErrorType => inner.ErrorCode switch
        {
            "rate_limit_exceeded" => "rate_limit_error",
            "server_is_overloaded" => "overloaded_error",
            null => null,
            _ => "api_error",
        };

        public override bool EndedProperly => inner.SawTerminalEvent && !inner.Failed;
        public override TokenUsage Usage => inner.Usage;
        public override string? Model => inner.Model;

        public override void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) => inner.OnEvent(eventName, data);
    }
}
