namespace Relay.Server.Control.Usage;

/// <summary>The <c>/api/usage</c> report, the <c>/api/usage/series</c> time series and the <c>/api/usage/events</c> log.</summary>
internal static class UsageEndpoints
{
    /// <summary>Response header of <c>DELETE /api/usage/content</c>: how many events' content was deleted.</summary>
    public const string DeletedCountHeader = "Relay-Deleted-Count";

    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        api.MapGet("/usage", async (string? from, string? to, string? groupBy, string? key, string? account, string? model, string? group, UsageService service, CancellationToken ct) =>
                ControlResults.From(await service.QueryAsync(new UsageReportRequest(from, to, groupBy, key, account, model, group), ct).ConfigureAwait(false)))
            .WithTags("Usage")
            .WithName("GetUsage")
            .WithSummary("Requests, tokens and cost in [from, to), in total and by key, account, model, group and UTC day.")
            .WithDescription("'from' and 'to' are ISO-8601 dates or timestamps (a date 'to' includes that whole day); 'groupBy' (key|account|model|group|day) returns only that breakdown; " +
                "'key', 'account', 'model' and 'group' narrow every figure to one value (present but empty = none: no account, the shared pool, unknown model).")
            .Produces<UsageReport>()
            .ProducesControlError(StatusCodes.Status400BadRequest);

        api.MapGet("/usage/series", async (string? bucket, string? from, string? to, string? tz, string? by, string? key, string? account, string? model, string? group, UsageService service, CancellationToken ct) =>
                ControlResults.From(await service.SeriesAsync(new UsageSeriesRequest(bucket, from, to, tz, by, key, account, model, group), ct).ConfigureAwait(false)))
            .WithTags("Usage")
            .WithName("GetUsageSeries")
            .WithSummary("Requests, tokens and cost per hour or per day in [from, to), optionally one line per key, account, model or group.")
            .WithDescription($"'bucket' is hour|day (default day); 'tz' an IANA zone for day boundaries and dates (default UTC); 'by' (key|account|model|group) splits the series; " +
                $"filters as for /api/usage. Absent 'to' = now; absent 'from' = 24 hours or 30 days before. Empty buckets are zero points; at most {UsageService.MaxBuckets} buckets.")
            .Produces<UsageSeriesReport>()
            .ProducesControlError(StatusCodes.Status400BadRequest);

        api.MapGet("/usage/events", async (string? from, string? to, string? key, string? account, string? model, string? group, string? status, string? limit, string? before, UsageService service, CancellationToken ct) =>
                ControlResults.From(await service.EventsAsync(new UsageEventsRequest(from, to, key, account, model, group, status, limit, before), ct).ConfigureAwait(false)))
            .WithTags("Usage")
            .WithName("ListUsageEvents")
            .WithSummary("Single requests, newest first, keyset-paged: pass 'next' as 'before' for the following page.")
            .WithDescription($"Filters as for /api/usage, plus 'status' (ok = status < 400, error = status >= 400). 'limit' 1-{UsageService.MaxEventPage} (default {UsageService.DefaultEventPage}). " +
                "'next' is null on the last page; a cursor not given out by this API is a 400.")
            .Produces<UsageEventPage>()
            .ProducesControlError(StatusCodes.Status400BadRequest);

        api.MapGet("/usage/events.csv", async (string? from, string? to, string? key, string? account, string? model, string? group, string? status, UsageService service, TimeProvider time, CancellationToken ct) =>
            {
                var prepared = await service.PrepareEventExportAsync(new UsageEventsRequest(from, to, key, account, model, group, status), ct).ConfigureAwait(false);
                return prepared.Error is { } error
                    ? ControlResults.Error(error)
                    : new UsageEventsCsv(service.ReadAllEventsAsync(prepared.Value!, ct), time.GetUtcNow());
            })
            .WithTags("Usage")
            .WithName("ExportUsageEvents")
            .WithSummary("Every matching event as CSV (newest first), streamed as a download. Same filters as /api/usage/events.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesControlError(StatusCodes.Status400BadRequest);

        api.MapGet("/usage/events/{id}/content", async (string id, UsageService service, CancellationToken ct) =>
                ControlResults.From(await service.ContentAsync(id, ct).ConfigureAwait(false)))
            .WithTags("Usage")
            .WithName("GetUsageEventContent")
            .WithSummary("The logged request and response of one event, as UTF-8 text (stored only while the setting logContent is on).")
            .WithDescription("'bytes' is each body's full length and 'truncated' says whether only its first contentMaxBytes were stored. 404 when the event does not exist or has no stored content.")
            .Produces<UsageContentView>()
            .ProducesControlError(StatusCodes.Status404NotFound);

        api.MapDelete("/usage/content", async (HttpResponse response, UsageService service, ILogger<UsageService> logger, CancellationToken ct) =>
            {
                var deleted = await service.DeleteAllContentAsync(ct).ConfigureAwait(false);
                ControlLog.ContentDeleted(logger, deleted);
                response.Headers[DeletedCountHeader] = deleted.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.NoContent();
            })
            .WithTags("Usage")
            .WithName("DeleteUsageContent")
            .WithSummary("Delete all stored request and response content now (the usage events stay); the count is in the Relay-Deleted-Count header.")
            .Produces(StatusCodes.Status204NoContent);
        return api;
    }
}
