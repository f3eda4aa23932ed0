using Relay.Server.Hosting;

namespace Relay.Server.Control;

/// <summary>
/// Guards every Control API route with the admin token (<c>Authorization: Bearer …</c>). Runs as a
/// route-group filter, before any handler reads a body, so an unauthenticated caller learns nothing
/// about validation rules or which ids exist.
/// </summary>
internal sealed class AdminTokenFilter(AdminToken adminToken) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && adminToken.Matches(header.AsSpan(Scheme.Length).Trim()))
        {
            return next(context);
        }

        // The presented value is never echoed back or logged: it may be a real secret sent to the wrong place.
        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        var message = header.Length == 0
            ? "This endpoint requires the admin token: send 'Authorization: Bearer <token>'."
            : "The admin token is not valid.";
        return ValueTask.FromResult<object?>(ControlResults.Error(ControlError.Unauthorized(message)));
    }
}
