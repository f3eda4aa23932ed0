using Microsoft.Net.Http.Headers;
using Relay.Server.Hosting;

namespace Relay.Server.Control.Sessions;

/// <summary>
/// <c>/api/session</c>: sign in, who am I, sign out. Outside the admin-token filter (signing in is how
/// a browser gets in); GET and DELETE check the session cookie themselves.
/// </summary>
internal static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder endpoints)
    {
        var session = endpoints.MapGroup("/api/session").WithTags("Session");

        session.MapPost("", async (HttpContext context, AdminSessions sessions, RelayOptions options, CancellationToken ct) =>
            {
                // Only a JSON content type: a cross-site HTML form cannot send one without a CORS preflight,
                // so another site cannot sign a browser in to an account of its choosing.
                if (!context.Request.HasJsonContentType())
                {
                    return ControlResults.Error(ControlError.Invalid("Sign in with a JSON body and 'Content-Type: application/json'."));
                }

                var body = await JsonBody.ReadAsync<SignInInput>(context.Request, ct).ConfigureAwait(false);
                if (body.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                var clientIp = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var result = await sessions.SignInAsync(body.Value!.Value, clientIp, ct).ConfigureAwait(false);
                if (result.Error is { } signInError)
                {
                    if (result.RetryAfterSeconds is { } seconds)
                    {
                        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    return ControlResults.Error(signInError);
                }

                SessionCookie.Set(context, options, result.Token!);
                context.Response.Headers.CacheControl = "no-store";
                return ControlResults.Json(result.View!);
            })
            .WithName("SignIn")
            .WithSummary("Sign in as an admin user; sets the relay_session cookie and returns the CSRF token for unsafe requests.")
            .AcceptsJson<SignInInput>()
            .Produces<SessionView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status401Unauthorized)
            .ProducesControlError(StatusCodes.Status429TooManyRequests);

        session.MapGet("", async (HttpContext context, AdminSessions sessions, CancellationToken ct) =>
            {
                var current = await sessions.AuthenticateRequestAsync(context, ct).ConfigureAwait(false);
                if (current.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                context.Response.Headers.CacheControl = "no-store";
                return ControlResults.Json(new SessionView(current.Value!.Username, AdminSessions.CsrfToken(current.Value.Token)));
            })
            .WithName("GetSession")
            .WithSummary("The signed-in admin and the session's CSRF token; 401 without a live session cookie.")
            .Produces<SessionView>()
            .ProducesControlError(StatusCodes.Status401Unauthorized);

        session.MapDelete("", async (HttpContext context, AdminSessions sessions, RelayOptions options, CancellationToken ct) =>
            {
                var current = await sessions.AuthenticateRequestAsync(context, ct).ConfigureAwait(false);
                if (current.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                await sessions.SignOutAsync(current.Value!, ct).ConfigureAwait(false);
                SessionCookie.Clear(context, options);
                return Results.NoContent();
            })
            .WithName("SignOut")
            .WithSummary("Sign out: deletes the session on the server, so the cookie never works again. Needs X-CSRF-Token.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status401Unauthorized)
            .ProducesControlError(StatusCodes.Status403Forbidden);

        return endpoints;
    }
}
