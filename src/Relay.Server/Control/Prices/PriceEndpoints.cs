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

        return api;
    }
}
