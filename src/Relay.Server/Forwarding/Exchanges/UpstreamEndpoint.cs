using System.Net;
using System.Net.Http.Headers;
using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Server.Inference;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// Where and how one request goes to one account: the URL for the upstream shape (Anthropic path, OpenAI path
/// after a versioned base URL, or an Azure deployment URL), the account's credential in the header its platform
/// expects, and which of the client's headers may travel along.
/// </summary>
internal static class UpstreamEndpoint
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public static HttpRequestMessage Create(RelayRequest request, AccountEntry account, string upstreamShape, string? upstreamModel, ReadOnlyMemory<byte>? body)
    {
        var http = request.Http.Request;
        var method = HttpMethods.IsPost(http.Method) ? HttpMethod.Post : HttpMethods.IsGet(http.Method) ? HttpMethod.Get : new HttpMethod(http.Method);
        var message = new HttpRequestMessage(method, Url(request, account, upstreamShape, upstreamModel))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        // Same shape: the client's end-to-end headers pass (anthropic-beta, x-stainless-*, session ids …). Across
        // shapes, one API's headers mean nothing (or something else) to the other: only the User-Agent travels.
        var sameShape = upstreamShape == request.Shape.Name;
        foreach (var header in http.Headers)
        {
            if (sameShape ? HeaderRules.ForwardRequestHeader(header.Key) : string.Equals(header.Key, "user-agent", StringComparison.OrdinalIgnoreCase))
            {
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

        Authorize(message, account);
        if (body is { Length: > 0 } bytes)
        {
            message.Content = new ReadOnlyMemoryContent(bytes);
            message.Content.Headers.ContentType = sameShape && MediaTypeHeaderValue.TryParse(http.ContentType, out var type) ? type : Json;
        }

        return message;
    }

    private static string Url(RelayRequest request, AccountEntry account, string upstreamShape, string? upstreamModel)
    {
        if (account.Platform != Platforms.OpenAI)
        {
            // Anthropic: the base URL has no version; Messages-shaped clients keep their own path and query.
            var path = upstreamShape == request.Shape.Name ? request.UpstreamPath : "/v1/messages";
            var query = upstreamShape == request.Shape.Name ? request.Http.Request.QueryString.Value : null;
            return account.BaseUrl + path + query;
        }

        var suffix = upstreamShape == WireShapes.Responses ? "/responses" : "/chat/completions";
        if (account.Record.AzureApiVersion is { } apiVersion)
        {
            var version = Uri.EscapeDataString(apiVersion);
            return upstreamShape == WireShapes.Responses
                ? $"{account.BaseUrl}/openai/responses?api-version={version}"
                : $"{account.BaseUrl}/openai/deployments/{Uri.EscapeDataString(upstreamModel ?? "")}{suffix}?api-version={version}";
        }

        return account.BaseUrl + suffix;
    }

    /// <summary>
    /// OAuth accounts: the live access token (held by the refresher, not the snapshot) as <c>Authorization: Bearer</c>,
    /// set by the forwarder once it has the token; no API-key header is ever sent for them.
    /// </summary>
    public static void AuthorizeBearer(HttpRequestMessage message, string accessToken) =>
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);

    private static void Authorize(HttpRequestMessage message, AccountEntry account)
    {
        if (account.IsOAuth)
        {
            if (account.Platform != Platforms.OpenAI)
            {
                AddAnthropicVersion(message);
            }

            return;
        }

        if (account.Platform == Platforms.OpenAI)
        {
            if (account.Record.AzureApiVersion is not null)
            {
                message.Headers.TryAddWithoutValidation("api-key", account.Secret);
            }
            else
            {
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Secret);
            }

            return;
        }

        message.Headers.TryAddWithoutValidation("x-api-key", account.Secret);
        AddAnthropicVersion(message);
    }

    private static void AddAnthropicVersion(HttpRequestMessage message)
    {
        if (!message.Headers.Contains("anthropic-version"))
        {
            // The API requires it; plain curl users and translated requests do not send it.
            message.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        }
    }
}
