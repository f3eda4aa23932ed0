using System.Globalization;
using Relay.Protocols.Anthropic;

namespace Relay.Server.Inference;

/// <summary>Writes Relay's own errors in Anthropic's error shape, with <c>retry-after</c> where the caller should come back later.</summary>
internal static class AnthropicErrorResponse
{
    public static Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null, string? errorType = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } wait)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = errorType is null ? AnthropicErrors.Body(status, message) : AnthropicErrors.Body(errorType, message);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
