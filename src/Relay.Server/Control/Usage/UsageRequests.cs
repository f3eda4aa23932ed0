using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// The parameters of <c>GET /api/usage</c> (and the flags of <c>relay usage</c>), as given. A filter
/// parameter that is present but empty selects the <c>""</c> group: requests with no account, the
/// shared pool, or an unknown model.
/// </summary>
internal sealed record UsageReportRequest(
    string? From = null,
    string? To = null,
    string? GroupBy = null,
    string? Key = null,
    string? Account = null,
    string? Model = null,
    string? Group = null)
{
    public UsageFilter Filter => new(Key, Account, Group, Model);
}

/// <summary>The parameters of <c>GET /api/usage/series</c> (and the flags of <c>relay usage series</c>), as given.</summary>
internal sealed record UsageSeriesRequest(
    string? Bucket = null,
    string? From = null,
    string? To = null,
    string? Tz = null,
    string? By = null,
    string? Key = null,
    string? Account = null,
    string? Model = null,
    string? Group = null)
{
    public UsageFilter Filter => new(Key, Account, Group, Model);
}

/// <summary>The parameters of <c>GET /api/usage/events</c> (and, without limit and before, of <c>events.csv</c>), as given.</summary>
internal sealed record UsageEventsRequest(
    string? From = null,
    string? To = null,
    string? Key = null,
    string? Account = null,
    string? Model = null,
    string? Group = null,
    string? Status = null,
    string? Limit = null,
    string? Before = null)
{
    public UsageFilter Filter => new(Key, Account, Group, Model);
}
