using Relay.Server.Control.Accounts;
using Relay.Server.Control.AdminUsers;
using Relay.Server.Control.Groups;
using Relay.Server.Control.Keys;
using Relay.Server.Control.Policies;
using Relay.Server.Control.Prices;
using Relay.Server.Control.Sessions;
using Relay.Server.Control.Settings;
using Relay.Server.Control.Status;
using Relay.Server.Control.Usage;

namespace Relay.Server.Control;

/// <summary>
/// Maps the Control API under <c>/api</c>. Inference also lives under <c>/api/v1/…</c> for
/// claude-relay-service users; these routes never overlap with it.
/// </summary>
internal static class ControlApi
{
    public static IEndpointRouteBuilder MapControlApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.AddEndpointFilter<AdminTokenFilter>()
            .ProducesControlError(StatusCodes.Status401Unauthorized);

        api.MapAccounts()
            .MapKeys()
            .MapGroups()
            .MapPolicies()
            .MapSettings()
            .MapUsage()
            .MapPrices()
            .MapStatus()
            .MapAdminUsers();

        // Signing in cannot need a session or the token, so /api/session sits outside the filter and checks for itself.
        endpoints.MapSessions();
        return endpoints;
    }
}
