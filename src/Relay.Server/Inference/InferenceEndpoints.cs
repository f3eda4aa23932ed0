using Relay.Server.Inference.Shapes;

namespace Relay.Server.Inference;

/// <summary>
/// Maps the Anthropic-shaped inference routes, bare and under the <c>/claude</c> and <c>/api</c>
/// prefixes (claude-relay-service users point clients at <c>…/api</c>), plus a health check and a
/// 404 in Anthropic's error shape for anything unknown.
/// </summary>
internal static class InferenceEndpoints
{
    private static readonly string[] Prefixes = ["", "/claude", "/api"];
    private static readonly string[] OpenAIPrefixes = ["", "/openai", "/api"];

    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            endpoints.MapPost(prefix + "/v1/messages", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context, MessagesClientShape.Instance, "/v1/messages", hasBody: true, metered: true))
                .ExcludeFromDescription();
            endpoints.MapPost(prefix + "/v1/messages/count_tokens", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context, MessagesClientShape.Instance, "/v1/messages/count_tokens", hasBody: true, metered: false))
                .ExcludeFromDescription();
            endpoints.MapGet(prefix + "/v1/models", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context, MessagesClientShape.Instance, "/v1/models", hasBody: false, metered: false))
                .ExcludeFromDescription();
        }

        // OpenAI-shaped clients: bare (base URL http://relay/v1), under /openai, and under /api like the rest.
        foreach (var prefix in OpenAIPrefixes)
        {
            endpoints.MapPost(prefix + "/v1/chat/completions", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context, ChatClientShape.Instance, "/chat/completions", hasBody: true, metered: true))
                .ExcludeFromDescription();
            endpoints.MapPost(prefix + "/v1/responses", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context, ResponsesClientShape.Instance, "/responses", hasBody: true, metered: true))
                .ExcludeFromDescription();
        }

        endpoints.MapGet("/healthz", () => Results.Text("ok")).ExcludeFromDescription();

        endpoints.MapFallback((HttpContext context) => AnthropicErrorResponse.WriteAsync(
                context,
                StatusCodes.Status404NotFound,
                $"Not found: {context.Request.Method} {context.Request.Path}",
                errorType: "not_found_error"))
            .ExcludeFromDescription();
        return endpoints;
    }
}
