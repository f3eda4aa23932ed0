using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Relay.Server.Control;

/// <summary>
/// Declares the admin token (HTTP bearer) and the session cookie in the OpenAPI document and requires
/// either on every Control API operation, so generated clients and API explorers send it.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "adminToken";
    public const string SessionSchemeName = "adminSession";

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

        document.Components.SecuritySchemes[SessionSchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "relay_session",
            Description = "A signed-in admin's session (POST /api/session). Unsafe methods also need the X-CSRF-Token header.",
        };

        var bearer = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        var session = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionSchemeName, document)] = [] };
        foreach (var path in document.Paths)
        {
            if (!path.Key.StartsWith("/api/", StringComparison.Ordinal) || path.Value.Operations is not { } operations)
            {
                continue;
            }

            foreach (var (method, operation) in operations)
            {
                // Signing in needs nothing; who-am-I and sign-out need the session itself.
                var isSession = path.Key == "/api/session";
                if (isSession && method == HttpMethod.Post)
                {
                    continue;
                }

                operation.Security ??= [];
                if (!isSession)
                {
                    operation.Security.Add(bearer);
                }

                operation.Security.Add(session);
            }
        }

        return Task.CompletedTask;
    }
}
