using Relay.Core.Accounts;
using Relay.Protocols.OpenAI.Chat;

namespace Relay.Server.Inference.Shapes;

/// <summary>OpenAI Chat Completions clients: Cursor, Cline, Aider, Continue, the OpenAI SDKs.</summary>
internal sealed class ChatClientShape : ClientShape
{
    public static ChatClientShape Instance { get; } = new();

    public override string Name => WireShapes.Chat;

    public override bool TryReadHead(RelayRequest request, ReadOnlySpan<byte> body, out string? error)
    {
        if (!ChatRequestReader.TryRead(body, out var head, out error))
        {
            return false;
        }

        request.Model = head.Model;
        request.Stream = head.Stream;
        request.ModelValueStart = head.ModelValueStart;
        request.ModelValueLength = head.ModelValueLength;
        request.IncludeUsage = head.IncludeUsage;
        request.SessionKey = OpenAISessions.FromHeaders(request.Http.Request);
        return true;
    }

    protected override byte[] ErrorBody(string type, string message, string? param) => ChatErrors.Body(type, message, param);
}
