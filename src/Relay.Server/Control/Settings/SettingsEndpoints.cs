namespace Relay.Server.Control.Settings;

/// <summary>Routes under <c>/api/settings</c>; each handler is a thin call into <see cref="SettingsService"/>.</summary>
internal static class SettingsEndpoints
{
    public static RouteGroupBuilder MapSettings(this RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings");

        settings.MapGet("", async (SettingsService service, CancellationToken ct) =>
                ControlResults.Json(await service.GetAsync(ct).ConfigureAwait(false)))
            .WithName("GetSettings")
            .WithSummary("Get the live settings: time zone and calendar of limit windows, operator client families, and the stickiness, failover and timeout settings in force.")
            .Produces<SettingsView>();

        settings.MapPatch("", async (HttpRequest request, SettingsService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<SettingsInput>(request, ct, SettingsInput.ForwardingFields).ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.UpdateAsync(body.Value!.Value, ct, body.Value.Fields).ConfigureAwait(false));
            })
            .WithName("UpdateSettings")
            .WithSummary("Change some live settings; they apply to the next request without a restart. null for a forwarding setting returns it to the process setting.")
            .AcceptsJson<SettingsInput>()
            .Produces<SettingsView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status409Conflict);

        return api;
    }
}
