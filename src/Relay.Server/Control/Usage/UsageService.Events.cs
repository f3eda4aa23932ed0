using System.Globalization;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>The event log: single requests, newest first, keyset-paged (<c>GET /api/usage/events</c> and its CSV export).</summary>
internal sealed partial class UsageService
{
    public const int DefaultEventPage = 50;
    public const int MaxEventPage = 500;

    /// <summary>One page, with the cursor of the next one when this page is full.</summary>
    public async Task<Outcome<UsageEventPage>> EventsAsync(UsageEventsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = ParseEvents(request, paged: true);
        if (query.Error is { } error)
        {
            return error;
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        var page = await store.ListEventsAsync(query.Value!, cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Current;

        // A full page may have more behind it; a short one is the end. (One extra empty page at worst, never a missed event.)
        var next = page.Count == query.Value!.Limit ? UsageEventCursorText.Encode(page[^1].Cursor) : null;
        return new UsageEventPage([.. page.Select(e => UsageEventView.From(e, snapshot))], next);
    }

    /// <summary>
    /// Checks the parameters of the CSV export and flushes pending events; the caller then streams
    /// <see cref="ReadAllEventsAsync"/> page by page, so the answer never sits in memory whole.
    /// </summary>
    public async Task<Outcome<UsageEventQuery>> PrepareEventExportAsync(UsageEventsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = ParseEvents(request with { Limit = null, Before = null }, paged: false);
        if (query.Error is null)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        return query;
    }

    /// <summary>Every event matching <paramref name="query"/>, newest first, read a page at a time (each page its own short read).</summary>
    public async IAsyncEnumerable<UsageEventView> ReadAllEventsAsync(UsageEventQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageQuery = query with { Limit = 1000, Before = null };
        var snapshot = snapshots.Current;
        while (true)
        {
            var page = await store.ListEventsAsync(pageQuery, cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                yield return UsageEventView.From(item, snapshot);
            }

            if (page.Count < pageQuery.Limit)
            {
                yield break;
            }

            pageQuery = pageQuery with { Before = page[^1].Cursor };
        }
    }

    private static Outcome<UsageEventQuery> ParseEvents(UsageEventsRequest request, bool paged)
    {
        var range = UsageRange.Parse(request.From, request.To);
        if (range.Error is { } rangeError)
        {
            return rangeError;
        }

        var status = request.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" => UsageStatusFilter.Any,
            "ok" => UsageStatusFilter.Ok,
            "error" => UsageStatusFilter.Error,
            _ => (UsageStatusFilter?)null,
        };
        if (status is null)
        {
            return ControlError.Invalid($"Parameter 'status' must be 'ok' (status < 400) or 'error' (status >= 400); got '{request.Status}'.");
        }

        var limit = DefaultEventPage;
        if (paged && !string.IsNullOrWhiteSpace(request.Limit)
            && (!int.TryParse(request.Limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxEventPage))
        {
            return ControlError.Invalid($"Parameter 'limit' must be a whole number from 1 to {MaxEventPage}; got '{request.Limit}'.");
        }

        UsageEventCursor? before = null;
        if (paged && !string.IsNullOrEmpty(request.Before))
        {
            if (!UsageEventCursorText.TryDecode(request.Before, out var cursor))
            {
                return ControlError.Invalid("Parameter 'before' is not a cursor this API gave out; pass the 'next' value of the previous page unchanged.");
            }

            before = cursor;
        }

        return new UsageEventQuery
        {
            From = range.Value.From,
            To = range.Value.To,
            Filter = request.Filter,
            Status = status.Value,
            Limit = limit,
            Before = before,
        };
    }
}
