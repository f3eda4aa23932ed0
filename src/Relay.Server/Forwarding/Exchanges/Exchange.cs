using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.Chat;
using Relay.Protocols.Translation.MessagesResponses;
using Relay.Protocols.Translation.ChatResponses;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Translation.ResponsesChat;
using Relay.Protocols.Usage;
using Relay.Server.Inference;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// One attempt's conversation with one account, in the client's shape on one side and the account's on the
/// other: the request body to send, and the answer (buffered or streamed) to give back. Same shape: the original
/// bytes both ways (model spliced where the account maps it; a Chat stream gets <c>include_usage</c> so usage can be
/// recorded, and the extra chunk is hidden again). Different shapes: the translators in <c>Relay.Protocols</c>.
/// </summary>
internal sealed class Exchange
{
    private readonly RelayRequest _request;
    private readonly AccountEntry _account;
    private bool _includeUsageAdded;
    private ResponsesTurn? _turn;

    private Exchange(RelayRequest request, AccountEntry account, string upstreamShape)
    {
        _request = request;
        _account = account;
        UpstreamShape = upstreamShape;
    }

    public string ClientShape => _request.Shape.Name;

    public string UpstreamShape { get; }

    public bool Translates => UpstreamShape != ClientShape;

    /// <summary>The model sent upstream: the account's mapping of the requested model (an Azure deployment name, for Azure).</summary>
    public string? UpstreamModel => _request.Model is { } model ? _account.MapModel(model) : null;

    public static Exchange For(RelayRequest request, AccountEntry account) =>
        new(request, account, account.UpstreamShapeFor(request.Shape.Name) ?? request.Shape.Name);

    /// <summary>Builds the upstream request, or says which field of the client's request this account cannot take.</summary>
    /// <param name="bodyRules">A sign-in provider's requirements of Responses bodies (null for every other account): applied to the body as built, same-shape or translated.</param>
    /// <param name="gather">A non-streamed request sent streamed, to be gathered (<see cref="ResponsesBodyRules.StreamOnly"/>).</param>
    public HttpRequestMessage? CreateRequest(ResponsesBodyRules? bodyRules, bool gather, out TranslationError? refusal)
    {
        refusal = null;
        ReadOnlyMemory<byte>? body = null;
        if (_request.Body is { Length: > 0 } original)
        {
            if (!Translates)
            {
                body = PassRequest(original.Memory);
            }
            else
            {
                var built = TranslateRequest(original.Memory);
                if (built.Error is { } error)
                {
                    refusal = error;
                    return null;
                }

                body = built.Body;
            }

            if (bodyRules is not null && UpstreamShape == WireShapes.Responses && body is { } bytes)
            {
                body = bodyRules.Apply(bytes, gather);
            }
        }

        return UpstreamEndpoint.Create(_request, _account, UpstreamShape, UpstreamModel, body);
    }

    /// <summary>The client's own bytes, copied only when the model is spliced or stream options are added.</summary>
    private ReadOnlyMemory<byte> PassRequest(ReadOnlyMemory<byte> original)
    {
        ReadOnlyMemory<byte> bytes = original;
        if (_request.Model is { } model && UpstreamModel is { } mapped && !string.Equals(mapped, model, StringComparison.Ordinal))
        {
            bytes = ModelRewriter.Replace(original.Span, _request.ModelValueStart, _request.ModelValueLength, mapped);
        }

        if (ClientShape == WireShapes.Chat && _request.Stream)
        {
            return ChatStreamOptions.EnsureIncludeUsage(bytes.Span, out _includeUsageAdded);
        }

        return bytes;
    }

    private Translated TranslateRequest(ReadOnlyMemory<byte> original)
    {
        // Every translator writes the account's model itself, so nothing is parsed twice.
        switch ((ClientShape, UpstreamShape))
        {
            case (WireShapes.Chat, WireShapes.Messages):
                return ChatToMessagesRequest.Translate(original.Span, UpstreamModel);

            case (WireShapes.Responses, WireShapes.Messages):
                return ResponsesToMessagesRequest.Translate(original, new ResponsesTranslationOptions { UpstreamModel = UpstreamModel }, out _turn);

            case (WireShapes.Responses, WireShapes.Chat):
                return ResponsesToChatRequest.Translate(original, new ResponsesChatOptions { UpstreamModel = UpstreamModel }, out _turn);

            case (WireShapes.Chat, WireShapes.Responses):
                return ChatToResponsesRequest.Translate(original.Span, UpstreamModel);

            case (WireShapes.Messages, WireShapes.Chat):
                return MessagesToChatRequest.Translate(original.Span, upstreamModel: UpstreamModel);

            case (WireShapes.Messages, WireShapes.Responses):
                return MessagesToResponsesRequest.Translate(original.Span, UpstreamModel);

            default:
                return Translated.Refused("model", $"Relay cannot translate {ClientShape} requests to {UpstreamShape}.");
        }
    }

    /// <summary>
    /// The client's body for a complete (non-streamed) upstream answer, with the usage it reports. A 2xx is
    /// translated when the shapes differ; an upstream error is passed through (same shape) or restated in the
    /// client's error shape with the same status.
    /// </summary>
    public (ReadOnlyMemory<byte> Body, TokenUsage Usage, string? Model) ClientBody(int status, ReadOnlyMemory<byte> upstream)
    {
        var ok = status is >= 200 and < 300;
        if (!Translates)
        {
            if (!ok)
            {
                return (upstream, default, null);
            }

            TokenUsage usage;
            string? model;
            _ = UpstreamShape switch
            {
                WireShapes.Chat => ChatUsageReader.TryRead(upstream.Span, out usage, out model),
                WireShapes.Responses => ResponsesUsageReader.TryRead(upstream.Span, out usage, out model),
                _ => MessagesResponseReader.TryReadUsage(upstream.Span, out usage, out model),
            };
            return (upstream, usage, model);
        }

        if (!ok)
        {
            var (type, message) = UpstreamErrors.Read(upstream.Span);
            return (ErrorBody(type ?? "api_error", message ?? $"The upstream answered {status}."), default, null);
        }

        TokenUsage translatedUsage = default;
        string? upstreamModel = null;
        var translated = (ClientShape, UpstreamShape) switch
        {
            (WireShapes.Chat, WireShapes.Messages) => MessagesToChatResponse.Translate(upstream.Span, out translatedUsage, _request.Model),
            (WireShapes.Responses, WireShapes.Messages) => MessagesToResponsesResponse.Translate(upstream, _turn!, out translatedUsage, out upstreamModel),
            (WireShapes.Messages, WireShapes.Chat) => ChatToMessagesResponse.Translate(upstream.Span, out translatedUsage, _request.Model),
            (WireShapes.Responses, WireShapes.Chat) => ChatToResponsesResponse.Translate(upstream, _turn!, out translatedUsage, out upstreamModel),
            (WireShapes.Messages, WireShapes.Responses) => ResponsesToMessagesResponse.Translate(upstream.Span, out translatedUsage, out upstreamModel, _request.Model),
            (WireShapes.Chat, WireShapes.Responses) => ResponsesToChatResponse.Translate(upstream.Span, out translatedUsage, out upstreamModel, _request.Model),
            _ => Translated.Refused("body", "no translator"),
        };

        return translated.Ok
            ? (translated.Body!, translatedUsage, upstreamModel)
            : (ErrorBody("api_error", "The upstream's answer could not be translated: " + translated.Error!.Message), default, null);
    }

    /// <summary>An error body in the client's shape (for translated exchanges).</summary>
    public byte[] ErrorBody(string type, string message) => ClientShape switch
    {
        WireShapes.Chat => ChatErrors.Body(type, message),
        WireShapes.Responses => ResponsesErrors.Body(ChatErrors.TypeFor(type), message, null, type),
        _ => AnthropicErrors.Body(type, message),
    };

    public StreamExchange CreateStream()
    {
        var observer = UpstreamStreamObserver.For(UpstreamShape, _includeUsageAdded);
        IStreamTranslator? translator = (ClientShape, UpstreamShape) switch
        {
            (WireShapes.Chat, WireShapes.Messages) => new MessagesToChatStream(_request.IncludeUsage, _request.Model),
            (WireShapes.Responses, WireShapes.Messages) => new MessagesToResponsesStream(_turn!),
            (WireShapes.Messages, WireShapes.Chat) => new ChatToMessagesStream(_request.Model),
            (WireShapes.Responses, WireShapes.Chat) => new ChatToResponsesStream(_turn!),
            (WireShapes.Messages, WireShapes.Responses) => new ResponsesToMessagesStream(_request.Model),
            (WireShapes.Chat, WireShapes.Responses) => new ResponsesToChatStream(_request.IncludeUsage, _request.Model),
            _ => null,
        };

        return new StreamExchange(ClientShape, observer, translator, filtered: translator is null && _includeUsageAdded);
    }
}
