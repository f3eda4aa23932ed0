using System.Text.Json.Serialization;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// The answer of <c>GET /api/usage</c>. <see cref="From"/> and <see cref="To"/> are always written
/// (null = unbounded); a breakdown list is omitted when <c>groupBy</c> asked for a different one.
/// </summary>
internal sealed record UsageReport(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? From,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? To,
    UsageTotal Total,
    IReadOnlyList<UsageRow>? ByKey,
    IReadOnlyList<UsageRow>? ByAccount,
    IReadOnlyList<UsageRow>? ByModel,
    IReadOnlyList<UsageRow>? ByGroup,
    IReadOnlyList<UsageRow>? ByDay);

/// <summary>Sums over the whole range.</summary>
internal sealed record UsageTotal(
    long Requests,
    long Errors,
    long InputTokens,
    long OutputTokens,
    long CacheWrite5mTokens,
    long CacheWrite1hTokens,
    long CacheReadTokens,
    decimal Cost)
{
    public static UsageTotal From(UsageTotals totals) => new(
        totals.Requests,
        totals.Errors,
        totals.InputTokens,
        totals.OutputTokens,
        totals.CacheWrite5mTokens,
        totals.CacheWrite1hTokens,
        totals.CacheReadTokens,
        totals.Cost);
}

/// <summary>Sums for one key id, account id, model, group id or UTC day; <see cref="Name"/> is the key's or account's current name.</summary>
internal sealed record UsageRow(
    string Group,
    string? Name,
    long Requests,
    long Errors,
    long InputTokens,
    long OutputTokens,
    long CacheWrite5mTokens,
    long CacheWrite1hTokens,
    long CacheReadTokens,
    decimal Cost)
{
    public static UsageRow From(UsageTotals totals, string? name) => new(
        totals.Group,
        name,
        totals.Requests,
        totals.Errors,
        totals.InputTokens,
        totals.OutputTokens,
        totals.CacheWrite5mTokens,
        totals.CacheWrite1hTokens,
        totals.CacheReadTokens,
        totals.Cost);
}
