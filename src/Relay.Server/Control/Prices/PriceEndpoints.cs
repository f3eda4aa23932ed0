namespace Relay.Server.Control.Prices;

/// <summary>Routes under <c>/api/prices</c>.</summary>
internal static class PriceEndpoints
{
    public static RouteGroupBuilder MapPrices(this RouteGroupBuilder api)
    {
        var prices = api.MapGroup("/prices").WithTags("Prices");

        prices.MapGet("", async (PriceService service, CancellationToken ct) =>
                ControlResults.Json(new ItemList<PriceView>(await service.ListAsync(ct).ConfigureAwait(false))))
            .WithName("ListPrices")
            .WithSummary("The effective price table (USD per million tokens), shipped entries and overrides.")
            .Produces<ItemList<PriceView>>();

        prices.MapPut("/{model}", async (string model, HttpRequest request, PriceService service, CancellationToken ct) =>
            {
                var body = await JsonBody.ReadAsync<PriceInput>(request, ct).ConfigureAwait(false);
                return body.Error is { } error
                    ? ControlResults.Error(error)
                    : ControlResults.From(await service.SetAsync(model, body.Value!.Value, ct).ConfigureAwait(false));
            })
            .WithName("SetPrice")
            .WithSummary("Override (or add) the prices of a model or model-name prefix.")
            .AcceptsJson<PriceInput>()
            .Produces<PriceView>()
            .ProducesControlError(StatusCodes.Status400BadRequest);

        prices.MapDelete("/{model}", async (string model, PriceService service, CancellationToken ct) =>
                await service.RemoveOverrideAsync(model, ct).ConfigureAwait(false) is { } error
                    ? ControlResults.Error(error)
                    : Results.NoContent())
            .WithName("RemovePriceOverride")
            .WithSummary("Remove an override: the shipped price of that model applies again.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesControlError(StatusCodes.Status404NotFound);

        return api;
    }
}
