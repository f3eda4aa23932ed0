using Relay.Core.Accounts;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Server.Inference.Shapes;

/// <summary>OpenAI Responses clients: Codex CLI, the OpenAI SDKs' responses API.</summary>
internal sealed class ResponsesClientShape : ClientShape
{
    public static ResponsesClientShape Instance { get; } = new();

    public override string Name => WireShapes.Responses;

    public override bool TryReadHead(RelayRequest request, ReadOnlySpan<byte> body, out string? error)
    {
        if (!ResponsesRequestReader.TryRead(body, out var head, out error))
        {
            return false;
        }

        request.Model = head.Model;
        request.Stream = head.Stream;
        request.ModelValueStart = head.ModelValueStart;
        request.ModelValueLength = head.ModelValueLength;

        // Codex names its conversation in prompt_cache_key (and a session-id header): the natural sticky key.
        request.SessionKey = head.PromptCacheKey is { Length: > 0 } cacheKey ? "p:" + cacheKey : OpenAISessions.FromHeaders(request.Http.Request);
        return true;
    }

    protected override byte[] ErrorBody(string type, string message, string? param) => ResponsesErrors.Body(ChatErrors.TypeFor(type), message, param, type);
}
