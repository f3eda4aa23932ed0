namespace Relay.Server.Control.Usage;

/// <summary>The <c>/api/usage</c> report.</summary>
internal static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        api.MapGet("/usage", async (string? from, string? to, string? groupBy, UsageService service, CancellationToken ct) =>
                ControlResults.From(await service.QueryAsync(from, to, groupBy, ct).ConfigureAwait(false)))
            .WithTags("Usage")
            .WithName("GetUsage")
            .WithSummary("Requests, tokens and cost in [from, to), in total and by key, account, model and UTC day.")
            .WithDescription("'from' and 'to' are ISO-8601 dates or timestamps (a date 'to' includes that whole day); 'groupBy' (key|account|model|day) returns only that breakdown.")
            .Produces<UsageReport>()
            .ProducesControlError(StatusCodes.Status400BadRequest);
        return api;
    }
}
