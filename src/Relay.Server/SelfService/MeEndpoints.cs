using Relay.Core.Snapshots;
using Relay.Server.Admission;
using Relay.Server.Control;
using Relay.Server.Inference;

namespace Relay.Server.SelfService;

/// <summary>
/// <c>GET /api/me</c>: a key holder reads their own key's usage, limits, expiry and allowed models with nothing
/// but the key (<c>x-api-key</c> or <c>Authorization: Bearer</c>). Outside the admin-token group on purpose.
/// </summary>
internal static class MeEndpoints
{
    public static IEndpointRouteBuilder MapSelfService(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/me", async (HttpContext context, ISnapshotSource snapshots, KeyFirstUse firstUse, MeService service, TimeProvider time, CancellationToken ct) =>
            {
                var snapshot = snapshots.Current;
                var key = ClientKey.Authenticate(context.Request, snapshot, time.GetUtcNow(), firstUse, out var refusal);
                if (key is null)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return ControlResults.Error(ControlError.Unauthorized(refusal));
                }

                return ControlResults.Json(await service.DescribeAsync(snapshot, key, ct).ConfigureAwait(false));
            })
            .WithTags("Self-service")
            .WithName("GetMe")
            .WithSummary("The calling relay key's own usage, limits, expiry and allowed models (authenticate with the relay key, not the admin token).")
            .Produces<MeView>()
            .ProducesControlError(StatusCodes.Status401Unauthorized);
        return endpoints;
    }
}
