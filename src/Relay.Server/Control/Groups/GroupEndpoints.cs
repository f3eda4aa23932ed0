namespace Relay.Server.Control.Groups;

/// <summary>Routes under <c>/api/groups</c>; each handler is a thin call into <see cref="GroupService"/>.</summary>
internal static class GroupEndpoints
{
    public static RouteGroupBuilder MapGroups(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/groups").WithTags("Groups");

        groups.MapGet("", async (GroupService service, CancellationToken ct) =>
                ControlResults.Json(new ItemList<GroupView>(await service.ListAsync(ct).ConfigureAwait(false))))
            .WithName("ListGroups")
            .WithSummary("List account groups with their members and how many keys and policies draw from each.")
            .Produces<ItemList<GroupView>>();

        groups.MapPost("", async (HttpRequest request, GroupService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<GroupInput>(request, ct, "description").ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.CreateAsync(body.Value!.Value, ct).ConfigureAwait(false), StatusCodes.Status201Created);
            })
            .WithName("CreateGroup")
            .WithSummary("Create a group of accounts; 'accounts' lists its members.")
            .AcceptsJson<GroupInput>()
            .Produces<GroupView>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status409Conflict);

        groups.MapGet("/{id}", async (string id, GroupService service, CancellationToken ct) =>
                ControlResults.From(await service.GetAsync(id, ct).ConfigureAwait(false)))
            .WithName("GetGroup")
            .WithSummary("Get one group.")
            .Produces<GroupView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        groups.MapPatch("/{id}", async (string id, HttpRequest request, GroupService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<GroupInput>(request, ct, "description").ConfigureAwait(false);
                if (body.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                var input = body.Value!.Value with { DescriptionGiven = body.Value.Fields.Contains("description") };
                return ControlResults.From(await service.UpdateAsync(id, input, ct).ConfigureAwait(false));
            })
            .WithName("UpdateGroup")
            .WithSummary("Rename a group, change its description, or replace its members ('accounts').")
            .AcceptsJson<GroupInput>()
            .Produces<GroupView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        groups.MapDelete("/{id}", async (string id, GroupService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct).ConfigureAwait(false) is { } error ? ControlResults.Error(error) : Results.NoContent())
            .WithName("DeleteGroup")
            .WithSummary("Delete a group (its accounts stay). Refused with 409 while a key or policy draws from it.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound)
            .ProducesControlError(StatusCodes.Status409Conflict);

        return api;
    }
}
