using Relay.Server.Control.Sessions;
using Relay.Server.Hosting;

namespace Relay.Server.Control;

/// <summary>
/// Guards every Control API route with the admin token (<c>Authorization: Bearer …</c>) or a signed-in
/// admin's session cookie (plus <c>X-CSRF-Token</c> on unsafe methods, see
/// <see cref="AdminSessions.AuthenticateRequestAsync"/>). Runs as a route-group filter, before any
/// handler reads a body, so an unauthenticated caller learns nothing about validation rules or which
/// ids exist. An <c>Authorization</c> header, when present, decides alone: a wrong token is refused
/// even next to a valid cookie.
/// </summary>
internal sealed class AdminTokenFilter(AdminToken adminToken, AdminSessions sessions) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0 && http.Request.Cookies.ContainsKey(SessionCookie.Name))
        {
            var session = await sessions.AuthenticateRequestAsync(http, http.RequestAborted).ConfigureAwait(false);
            if (session.Error is { } sessionError)
            {
                return ControlResults.Error(sessionError);
            }

            // A typed feature, not an Items key: handlers that care who is signed in (GET /api/admin-users) read it.
            http.Features.Set(session.Value);
            return await next(context).ConfigureAwait(false);
        }

        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && adminToken.Matches(header.AsSpan(Scheme.Length).Trim()))
        {
            return await next(context).ConfigureAwait(false);
        }

        // The presented value is never echoed back or logged: it may be a real secret sent to the wrong place.
        http.Response.Headers.WWWAuthenticate = "Bearer";
        var message = header.Length == 0
            ? "This endpoint requires the admin token ('Authorization: Bearer <token>') or a signed-in session (POST /api/session)."
            : "The admin token is not valid.";
        return ControlResults.Error(ControlError.Unauthorized(message));
    }
}
