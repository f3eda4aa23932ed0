using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Relay.Server.Control;

/// <summary>OpenAPI metadata for Control API endpoints that read their own bodies.</summary>
internal static class OpenApiConventions
{
    /// <summary>
    /// Documents a JSON request body of <typeparamref name="T"/>. Not <c>Accepts&lt;T&gt;()</c>: that
    /// also makes routing refuse other content types, so <c>curl -d</c> (form content type) would
    /// get a 404 from the fallback instead of a Control API answer, even before the token check.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Declares the error envelope for a status code, so the OpenAPI document shows it.</summary>
    public static TBuilder ProducesControlError<TBuilder>(this TBuilder builder, int statusCode)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), ["application/json"]));
}
