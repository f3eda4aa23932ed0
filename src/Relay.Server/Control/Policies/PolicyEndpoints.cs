namespace Relay.Server.Control.Policies;

/// <summary>Routes under <c>/api/policies</c>; each handler is a thin call into <see cref="PolicyService"/>.</summary>
internal static class PolicyEndpoints
{
    public static RouteGroupBuilder MapPolicies(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/policies").WithTags("Policies");

        policies.MapGet("", async (PolicyService service, CancellationToken ct) =>
                ControlResults.Json(new ItemList<PolicyView>(await service.ListAsync(ct).ConfigureAwait(false))))
            .WithName("ListPolicies")
            .WithSummary("List shared key policies with how many keys point at each.")
            .Produces<ItemList<PolicyView>>();

        policies.MapPost("", async (HttpRequest request, PolicyService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<PolicyInput>(request, ct, "description").ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.CreateAsync(body.Value!.Value, ct).ConfigureAwait(false), StatusCodes.Status201Created);
            })
            .WithName("CreatePolicy")
            .WithSummary("Create a shared policy: what keys pointing at it may reach, and the limits each of them gets.")
            .AcceptsJson<PolicyInput>()
            .Produces<PolicyView>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status409Conflict);

        policies.MapGet("/{id}", async (string id, PolicyService service, CancellationToken ct) =>
                ControlResults.From(await service.GetAsync(id, ct).ConfigureAwait(false)))
            .WithName("GetPolicy")
            .WithSummary("Get one policy.")
            .Produces<PolicyView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        policies.MapPatch("/{id}", async (string id, HttpRequest request, PolicyService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<PolicyInput>(request, ct, "description").ConfigureAwait(false);
                if (body.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                var input = body.Value!.Value with { DescriptionGiven = body.Value.Fields.Contains("description") };
                return ControlResults.From(await service.UpdateAsync(id, input, ct).ConfigureAwait(false));
            })
            .WithName("UpdatePolicy")
            .WithSummary("Change a policy; each given field replaces the stored one and applies to every key pointing at it.")
            .AcceptsJson<PolicyInput>()
            .Produces<PolicyView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        policies.MapDelete("/{id}", async (string id, PolicyService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct).ConfigureAwait(false) is { } error ? ControlResults.Error(error) : Results.NoContent())
            .WithName("DeletePolicy")
            .WithSummary("Delete a policy. Refused with 409 while keys point at it.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        return api;
    }
}
