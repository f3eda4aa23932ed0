using Relay.Server.Control.Sessions;

namespace Relay.Server.Control.AdminUsers;

/// <summary>
/// <c>/api/admin-users</c>: the people who sign in to the Control API, managed over HTTP with the same rules as
/// <c>relay admin users …</c> (<see cref="AdminUserService"/>: 12-character passwords, the last user stays, a new
/// password or a removal signs the user out everywhere). A password is returned only when Relay generated it, and
/// neither a password nor its hash is ever logged or shown.
/// </summary>
internal static class AdminUserEndpoints
{
    public static RouteGroupBuilder MapAdminUsers(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/admin-users").WithTags("Admin users");

        users.MapGet("", async (HttpContext context, AdminUserService service, CancellationToken ct) =>
            {
                // Set by AdminTokenFilter when the caller signed in with a session; the admin token is nobody in particular.
                var signedIn = context.Features.Get<AdminSession>()?.UserId;
                var list = await service.ListAsync(ct).ConfigureAwait(false);
                return ControlResults.Json(new ItemList<AdminUserItem>(
                    [.. list.Select(u => new AdminUserItem(u.Username, u.CreatedAt, string.Equals(u.Id, signedIn, StringComparison.Ordinal)) { LastSignInAt = u.LastSignInAt })]));
            })
            .WithName("ListAdminUsers")
            .WithSummary("List the admin users; 'current' marks the one signed in with this request's session.")
            .Produces<ItemList<AdminUserItem>>();

        users.MapPost("", async (HttpRequest request, AdminUserService service, ILogger<AdminUserService> logger, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<AdminUserInput>(request, ct, "password").ConfigureAwait(false);
                if (body.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                var input = body.Value!.Value;
                if (input.Username is null)
                {
                    return ControlResults.Error(ControlError.Invalid("Field 'username' is required."));
                }

                var added = await service.AddAsync(input.Username, input.Password, ct).ConfigureAwait(false);
                if (added.Error is { } addError)
                {
                    return ControlResults.Error(addError);
                }

                ControlLog.AdminUserAdded(logger, added.Value.View.Username);
                return ControlResults.Json(new AdminUserCredentials(added.Value.View.Username) { Password = added.Value.Generated }, StatusCodes.Status201Created);
            })
            .WithName("CreateAdminUser")
            .WithSummary("Add an admin user. Without 'password', one is generated and returned in this answer only.")
            .AcceptsJson<AdminUserInput>()
            .Produces<AdminUserCredentials>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status409Conflict);

        users.MapPut("/{username}/password", async (string username, HttpRequest request, AdminUserService service, ILogger<AdminUserService> logger, CancellationToken ct) =>
            {
                string? password = null;
                if (await OptionalBody.ReadAsync<AdminPasswordInput>(request, ct).ConfigureAwait(false) is { } body)
                {
                    if (body.Error is { } error)
                    {
                        return ControlResults.Error(error);
                    }

                    password = body.Value!.Value.Password;
                }

                var changed = await service.SetPasswordAsync(username, password, ct).ConfigureAwait(false);
                if (changed.Error is { } changeError)
                {
                    return ControlResults.Error(changeError);
                }

                ControlLog.AdminPasswordChanged(logger, username);
                return ControlResults.Json(new AdminUserCredentials(username) { Password = changed.Value });
            })
            .WithName("SetAdminPassword")
            .WithSummary("Replace an admin user's password (generated and returned once when not given); signs that user out everywhere, the caller too if it is them.")
            .AcceptsJson<AdminPasswordInput>()
            .Produces<AdminUserCredentials>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound);

        users.MapDelete("/{username}", async (string username, AdminUserService service, ILogger<AdminUserService> logger, CancellationToken ct) =>
            {
                if (await service.RemoveAsync(username, ct).ConfigureAwait(false) is { } error)
                {
                    return ControlResults.Error(error);
                }

                ControlLog.AdminUserRemoved(logger, username);
                return Results.NoContent();
            })
            .WithName("DeleteAdminUser")
            .WithSummary("Remove an admin user and sign them out everywhere. 409 for the last admin user.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        return api;
    }
}
