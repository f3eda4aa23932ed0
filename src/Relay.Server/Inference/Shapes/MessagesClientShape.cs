using Relay.Core.Accounts;
using Relay.Protocols.Anthropic;

namespace Relay.Server.Inference.Shapes;

/// <summary>Anthropic Messages clients: Claude Code, the Anthropic SDKs.</summary>
internal sealed class MessagesClientShape : ClientShape
{
    public static MessagesClientShape Instance { get; } = new();

    public override string Name => WireShapes.Messages;

    public override bool TryReadHead(RelayRequest request, ReadOnlySpan<byte> body, out string? error)
    {
        if (!MessagesRequestReader.TryRead(body, out var head, out error))
        {
            return false;
        }

        request.Model = head.Model;
        request.Stream = head.Stream;
        request.ModelValueStart = head.ModelValueStart;
        request.ModelValueLength = head.ModelValueLength;

        // Claude Code names its session in a header too; an explicit id beats a content hash.
        var headerSession = request.Http.Request.Headers["X-Claude-Code-Session-Id"];
        request.SessionKey = headerSession.Count > 0 && !string.IsNullOrEmpty(headerSession[0]) ? "s:" + headerSession[0] : head.SessionKey;
        return true;
    }

    protected override byte[] ErrorBody(string type, string message, string? param) => AnthropicErrors.Body(type, message);
}
