using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Relay.Server.Forwarding;

/// <summary>Copies the upstream's status and end-to-end headers to the client response.</summary>
internal static class ResponseHeaders
{
    public static void Copy(HttpResponseMessage upstream, HttpResponse response, bool stream)
    {
        response.StatusCode = (int)upstream.StatusCode;

        // NonValidated: the upstream's header text as received, without parsing it into typed values first.
        CopyAll(upstream.Headers.NonValidated, response.Headers);
        CopyAll(upstream.Content.Headers.NonValidated, response.Headers);

        if (stream)
        {
            // A proxy in front (nginx) must not buffer the stream, and nothing may compress it.
            response.Headers["X-Accel-Buffering"] = "no";
            if (!response.Headers.ContainsKey("Cache-Control"))
            {
                response.Headers.CacheControl = "no-cache";
            }

            response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        }
    }

    private static void CopyAll(HttpHeadersNonValidated source, IHeaderDictionary target)
    {
        foreach (var (name, values) in source)
        {
            if (!HeaderRules.ForwardResponseHeader(name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]);
        }
    }
}
