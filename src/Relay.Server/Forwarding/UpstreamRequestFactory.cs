using System.Net;
using System.Net.Http.Headers;
using Relay.Core.Snapshots;
using Relay.Protocols.Anthropic;
using Relay.Server.Inference;

namespace Relay.Server.Forwarding;

/// <summary>
/// Shapes the upstream request for one account: same path and query, the client's end-to-end
/// headers, the account's credential, and the original body bytes — rewritten only where the
/// account maps the model to another name.
/// </summary>
internal static class UpstreamRequestFactory
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpRequestMessage Create(RelayRequest request, AccountEntry account)
    {
        var http = request.Http.Request;
        var method = HttpMethods.IsPost(http.Method) ? HttpMethod.Post : HttpMethods.IsGet(http.Method) ? HttpMethod.Get : new HttpMethod(http.Method);
        var message = new HttpRequestMessage(method, account.BaseUrl + request.UpstreamPath + http.QueryString.Value)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        foreach (var header in http.Headers)
        {
            if (HeaderRules.ForwardRequestHeader(header.Key))
            {
                // The single-value overload avoids boxing StringValues into an enumerable for the common case.
                if (header.Value.Count == 1)
                {
                    message.Headers.TryAddWithoutValidation(header.Key, header.Value[0]);
                }
                else
                {
                    message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
                }
            }
        }

        message.Headers.TryAddWithoutValidation("x-api-key", account.Secret);
        if (!message.Headers.Contains("anthropic-version"))
        {
            // The API requires it; plain curl users often leave it out.
            message.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        }

        if (request.Body is { Length: > 0 } body)
        {
            ReadOnlyMemory<byte> bytes = body.Memory;
            if (request.Model is { } model && account.MapModel(model) is var mapped && !string.Equals(mapped, model, StringComparison.Ordinal))
            {
                bytes = ModelRewriter.Replace(body.Span, request.ModelValueStart, request.ModelValueLength, mapped);
            }

            message.Content = new ReadOnlyMemoryContent(bytes);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(http.ContentType, out var type) ? type : Json;
        }

        return message;
    }
}
