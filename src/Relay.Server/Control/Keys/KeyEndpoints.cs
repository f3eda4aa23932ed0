namespace Relay.Server.Control.Keys;

/// <summary>Routes under <c>/api/keys</c>; each handler is a thin call into <see cref="KeyService"/>.</summary>
internal static class KeyEndpoints
{
    // Fields for which an explicit null means "none" (no expiry, no policy) rather than a mistake.
    private static readonly string[] NullableFields = ["expiresAt", "expires", "policy", "policyId"];

    public static RouteGroupBuilder MapKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/keys").WithTags("Keys");

        keys.MapGet("", async (KeyService service, CancellationToken ct) =>
                ControlResults.Json(new ItemList<KeyView>(await service.ListAsync(ct).ConfigureAwait(false))))
            .WithName("ListKeys")
            .WithSummary("List relay keys (prefix only; the key itself is never shown again).")
            .Produces<ItemList<KeyView>>();

        keys.MapPost("", async (HttpRequest request, KeyService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<KeyInput>(request, ct, NullableFields).ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.CreateAsync(body.Value!.Value, ct).ConfigureAwait(false), StatusCodes.Status201Created);
            })
            .WithName("CreateKey")
            .WithSummary("Create a relay key. The response's 'key' is the only time the key is shown.")
            .AcceptsJson<KeyInput>()
            .Produces<KeyView>(StatusCodes.Status201Created)
            .ProducesControlError(StatusCodes.Status400BadRequest);

        keys.MapGet("/{id}", async (string id, KeyService service, CancellationToken ct) =>
                ControlResults.From(await service.GetAsync(id, ct).ConfigureAwait(false)))
            .WithName("GetKey")
            .WithSummary("Get one relay key.")
            .Produces<KeyView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        keys.MapPatch("/{id}", async (string id, HttpRequest request, KeyService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<KeyInput>(request, ct, NullableFields).ConfigureAwait(false);
                if (body.Error is { } error)
                {
                    return ControlResults.Error(error);
                }

                var fields = body.Value!.Fields;
                var input = body.Value.Value with
                {
                    ExpiresAtGiven = fields.Contains("expiresAt"),
                    ExpiresGiven = fields.Contains("expires"),
                    PolicyGiven = fields.Contains("policy"),
                    PolicyIdGiven = fields.Contains("policyId"),
                };
                return ControlResults.From(await service.UpdateAsync(id, input, ct).ConfigureAwait(false));
            })
            .WithName("UpdateKey")
            .WithSummary("Change some fields of a key; each given field replaces the stored one, null clears 'expires', 'policy' or 'policyId'.")
            .AcceptsJson<KeyInput>()
            .Produces<KeyView>()
            .ProducesControlError(StatusCodes.Status400BadRequest)
            .ProducesControlError(StatusCodes.Status404NotFound);

        keys.MapDelete("/{id}", async (string id, KeyService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct).ConfigureAwait(false) is { } error ? ControlResults.Error(error) : Results.NoContent())
            .WithName("DeleteKey")
            .WithSummary("Delete a key; it stops working on the next request.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound);

        keys.MapPost("/{id}/rotate", async (string id, KeyService service, CancellationToken ct) =>
                ControlResults.From(await service.RotateAsync(id, ct).ConfigureAwait(false)))
            .WithName("RotateKey")
            .WithSummary("Issue a new key value for the same key id; the old value stops working on the next request.")
            .Produces<KeyView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        return api;
    }
}
