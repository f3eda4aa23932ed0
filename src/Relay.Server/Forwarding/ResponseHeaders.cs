using Microsoft.AspNetCore.Http.Features;

namespace Relay.Server.Forwarding;

/// <summary>Copies the upstream's status and end-to-end headers to the client response.</summary>
internal static class ResponseHeaders
{
    public static void Copy(HttpResponseMessage upstream, HttpResponse response, bool stream)
    {
        response.StatusCode = (int)upstream.StatusCode;
        foreach (var header in upstream.Headers)
        {
            if (HeaderRules.ForwardResponseHeader(header.Key))
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        foreach (var header in upstream.Content.Headers)
        {
            if (HeaderRules.ForwardResponseHeader(header.Key))
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        }

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
}
