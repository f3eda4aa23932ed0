using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Relay.Server.Control;

/// <summary>
/// Declares the admin token as an HTTP bearer scheme in the OpenAPI document and requires it on
/// every Control API operation, so generated clients and API explorers send it.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "adminToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The admin token (RELAY_ADMIN_TOKEN, or the one printed on first start / by 'relay admin rotate-token').",
        };

        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        foreach (var path in document.Paths)
        {
            if (!path.Key.StartsWith("/api/", StringComparison.Ordinal) || path.Value.Operations is not { } operations)
            {
                continue;
            }

            foreach (var operation in operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
