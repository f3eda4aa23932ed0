using System.Text;
using Dapper;
using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// Pages of the raw event log, newest first. The order is (ts DESC, id DESC) and the page boundary a row-value
/// comparison on the same pair, so SQLite walks <c>ix_usage_events_ts</c> (or <c>ix_usage_events_key_ts</c> for one
/// key) backwards from the cursor: every index entry ends with the rowid, which is <c>id</c>. A page costs the same at
/// any depth, with no OFFSET and no sort. Filters on other columns are checked on the rows the walk visits.
/// </summary>
internal static class UsageEventsQuery
{
    private const string Columns = """
        SELECT id AS Id, ts AS Ts, key_id AS KeyId, account_id AS AccountId, group_id AS GroupId, platform AS Platform,
            requested_model AS RequestedModel, upstream_model AS UpstreamModel, input_tokens AS InputTokens,
            output_tokens AS OutputTokens, cache_write_5m_tokens AS CacheWrite5mTokens, cache_write_1h_tokens AS CacheWrite1hTokens,
            cache_read_tokens AS CacheReadTokens, cost_nano_usd AS CostNanoUsd, status AS Status, error_class AS ErrorClass,
            latency_ms AS LatencyMs, first_byte_ms AS FirstByteMs, stream AS Stream, attempts AS Attempts,
            EXISTS (SELECT 1 FROM usage_content c WHERE c.event_id = usage_events.id) AS HasContent
        FROM usage_events
        """;

    public static async Task<IReadOnlyList<StoredUsageEvent>> ListAsync(SqliteDatabase database, UsageEventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = Build(query);
        var filter = query.Filter ?? UsageFilter.None;
        var parameters = new
        {
            From = UnixTime.ToMilliseconds(query.From),
            To = UnixTime.ToMilliseconds(query.To),
            filter.KeyId,
            filter.AccountId,
            filter.GroupId,
            filter.Model,
            BeforeTs = query.Before?.TimestampMs,
            BeforeId = query.Before?.Id,
            Limit = Math.Max(1, query.Limit),
        };

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToStored())];
    }

    /// <summary>The statement for <paramref name="query"/>: only the conditions that are set, each a fixed column against a parameter.</summary>
    internal static string Build(UsageEventQuery query)
    {
        var filter = query.Filter ?? UsageFilter.None;
        var sql = new StringBuilder(Columns).Append(" WHERE 1 = 1");
        if (query.From is not null)
        {
            sql.Append(" AND ts >= @From");
        }

        // One upper bound only, the tighter one: given two, SQLite seeks the index by 'to' and would then step over
        // every row between 'to' and the cursor, making deep pages cost more than the first.
        var cursorBound = query.Before is { } cursor && (query.To is not { } to || cursor.TimestampMs < UnixTime.ToMilliseconds(to));
        if (query.To is not null && !cursorBound)
        {
            sql.Append(" AND ts < @To");
        }

        // The same normalised values the reports group by, so a row of a report filters the log to exactly its events.
        if (filter.KeyId is not null)
        {
            sql.Append(" AND key_id = @KeyId");
        }

        if (filter.AccountId is not null)
        {
            sql.Append(" AND COALESCE(account_id, '') = @AccountId");
        }

        if (filter.Model is not null)
        {
            sql.Append(" AND COALESCE(upstream_model, requested_model, '') = @Model");
        }

        if (filter.GroupId is not null)
        {
            sql.Append(" AND COALESCE(group_id, '') = @GroupId");
        }

        sql.Append(query.Status switch
        {
            UsageStatusFilter.Ok => " AND status < 400",
            UsageStatusFilter.Error => " AND status >= 400",
            _ => "",
        });

        if (cursorBound)
        {
            // (ts, id) < (…) is what the index is ordered by: SQLite seeks to the cursor and walks back from there.
            sql.Append(" AND (ts, id) < (@BeforeTs, @BeforeId)");
        }

        return sql.Append(" ORDER BY ts DESC, id DESC LIMIT @Limit").ToString();
    }

    private sealed class EventRow
    {
        public long Id { get; set; }
        public long Ts { get; set; }
        public string KeyId { get; set; } = "";
        public string? AccountId { get; set; }
        public string? GroupId { get; set; }
        public string Platform { get; set; } = "";
        public string? RequestedModel { get; set; }
        public string? UpstreamModel { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheWrite5mTokens { get; set; }
        public long CacheWrite1hTokens { get; set; }
        public long CacheReadTokens { get; set; }
        public long CostNanoUsd { get; set; }
        public long Status { get; set; }
        public string? ErrorClass { get; set; }
        public long LatencyMs { get; set; }
        public long? FirstByteMs { get; set; }
        public long Stream { get; set; }
        public long Attempts { get; set; }
        public long HasContent { get; set; }

        public StoredUsageEvent ToStored() => new(Id, new UsageEvent
        {
            Timestamp = UnixTime.FromMilliseconds(Ts),
            KeyId = KeyId,
            AccountId = AccountId,
            GroupId = GroupId,
            Platform = Platform,
            RequestedModel = RequestedModel,
            UpstreamModel = UpstreamModel,
            Tokens = new TokenUsage(InputTokens, OutputTokens, CacheWrite5mTokens, CacheWrite1hTokens, CacheReadTokens),
            Cost = UsageCost.FromNanoUsd(CostNanoUsd),
            Status = (int)Status,
            ErrorClass = ErrorClass,
            LatencyMs = (int)LatencyMs,
            FirstByteMs = FirstByteMs is { } ms ? (int)ms : null,
            Stream = Stream != 0,
            Attempts = (int)Attempts,
        })
        {
            HasContent = HasContent != 0,
        };
    }
}
