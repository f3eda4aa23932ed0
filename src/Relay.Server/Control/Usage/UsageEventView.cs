using System.Text.Json.Serialization;
using Relay.Core.Snapshots;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// One event of <c>GET /api/usage/events</c>. Every member is always written (null included), so each row of a table
/// has the same columns; names are the current ones (null once the key, account or group is deleted). No field holds
/// prompt or completion content: <see cref="HasContent"/> only says whether logged content exists
/// (<c>GET /api/usage/events/{id}/content</c> reads it).
/// </summary>
internal sealed record UsageEventView(
    string Id,
    DateTimeOffset At,
    string KeyId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? KeyName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AccountId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AccountName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? GroupId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? GroupName,
    string Platform,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RequestedModel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? UpstreamModel,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ErrorClass,
    bool Stream,
    int Attempts,
    int LatencyMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? FirstByteMs,
    long InputTokens,
    long OutputTokens,
    long CacheWrite5mTokens,
    long CacheWrite1hTokens,
    long CacheReadTokens,
    decimal Cost,
    bool HasContent)
{
    public static UsageEventView From(StoredUsageEvent stored, RelaySnapshot snapshot)
    {
        var e = stored.Event;
        return new(
            stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            e.Timestamp,
            e.KeyId,
            snapshot.KeysById.GetValueOrDefault(e.KeyId)?.Name,
            e.AccountId,
            e.AccountId is { } account ? snapshot.AccountsById.GetValueOrDefault(account)?.Name : null,
            e.GroupId,
            e.GroupId is { } group ? snapshot.Groups.GetValueOrDefault(group)?.Name : null,
            e.Platform,
            e.RequestedModel,
            e.UpstreamModel,
            e.Status,
            e.ErrorClass,
            e.Stream,
            e.Attempts,
            e.LatencyMs,
            e.FirstByteMs,
            e.Tokens.Input,
            e.Tokens.Output,
            e.Tokens.CacheWrite5m,
            e.Tokens.CacheWrite1h,
            e.Tokens.CacheRead,
            e.Cost,
            stored.HasContent);
    }
}

/// <summary>A page of the event log; <see cref="Next"/> is the cursor for the following page, null on the last one.</summary>
internal sealed record UsageEventPage(
    IReadOnlyList<UsageEventView> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
