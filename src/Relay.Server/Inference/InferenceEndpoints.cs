using Relay.Server.Inference.Shapes;

namespace Relay.Server.Inference;

/// <summary>
/// Maps the inference routes: Anthropic's bare and under the <c>/claude</c> and <c>/api</c> prefixes
/// (claude-relay-service users point clients at <c>…/api</c>), OpenAI's bare and under <c>/openai</c> and
/// <c>/api</c>, model listing under all of them, plus a health check and a 404 in Anthropic's error shape for
/// anything unknown.
/// </summary>
internal static class InferenceEndpoints
{
    private static readonly string[] Prefixes = ["", "/claude", "/api"];
    private static readonly string[] OpenAIPrefixes = ["", "/openai", "/api"];
    private static readonly (string Prefix, ModelListing.Dialect Dialect)[] ModelPrefixes =
        [("", ModelListing.Dialect.ByHeaders), ("/api", ModelListing.Dialect.ByHeaders), ("/claude", ModelListing.Dialect.Anthropic), ("/openai", ModelListing.Dialect.OpenAI)];

    public static IEndpointRouteBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            endpoints.MapPost(prefix + "/v1/messages", (HttpContext context, InferenceProxy proxy) => proxy.HandleAsync(context, MessagesClientShape.Instance, "/v1/messages", metered: true))
                .ExcludeFromDescription();
            endpoints.MapPost(prefix + "/v1/messages/count_tokens", (HttpContext context, InferenceProxy proxy) => proxy.HandleAsync(context, MessagesClientShape.Instance, "/v1/messages/count_tokens", metered: false))
                .ExcludeFromDescription();
        }

        // OpenAI-shaped clients: bare (base URL http://relay/v1), under /openai, and under /api like the rest.
        foreach (var prefix in OpenAIPrefixes)
        {
            endpoints.MapPost(prefix + "/v1/chat/completions", (HttpContext context, InferenceProxy proxy) => proxy.HandleAsync(context, ChatClientShape.Instance, "/chat/completions", metered: true))
                .ExcludeFromDescription();
            endpoints.MapPost(prefix + "/v1/responses", (HttpContext context, InferenceProxy proxy) => proxy.HandleAsync(context, ResponsesClientShape.Instance, "/responses", metered: true))
                .ExcludeFromDescription();
        }

        // Model listing is answered by Relay from the key's reach, in the caller's API: Anthropic's under /claude,
        // OpenAI's under /openai, and elsewhere by the request's headers (see ModelListing).
        foreach (var (prefix, dialect) in ModelPrefixes)
        {
            endpoints.MapGet(prefix + "/v1/models", (HttpContext context, ModelListing models) => models.ListAsync(context, dialect))
                .ExcludeFromDescription();
            endpoints.MapGet(prefix + "/v1/models/{**modelId}", (HttpContext context, string modelId, ModelListing models) => models.GetAsync(context, modelId, dialect))
                .ExcludeFromDescription();
        }

        endpoints.MapGet("/healthz", () => Results.Text("ok")).ExcludeFromDescription();

        endpoints.MapFallback((HttpContext context) => MessagesClientShape.Instance.WriteErrorAsync(
                context,
                StatusCodes.Status404NotFound,
                "not_found_error",
                $"Not found: {context.Request.Method} {context.Request.Path}"))
            .ExcludeFromDescription();
        return endpoints;
    }
}
