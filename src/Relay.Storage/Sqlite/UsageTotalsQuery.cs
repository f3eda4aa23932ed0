using System.Text;
using Dapper;
using Relay.Core.Usage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// The grouped sums behind the usage reports. Group values: key id; account id ("" for requests no
/// account was tried for); upstream model, else requested model ("" when neither is known); UTC day
/// as yyyy-MM-dd. Time filter: From inclusive, To exclusive.
/// </summary>
internal static class UsageTotalsQuery
{
    public static async Task<IReadOnlyList<UsageTotals>> RunAsync(SqliteDatabase database, UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var sql = new StringBuilder();
        sql.Append("SELECT ").Append(GroupExpression(query.GroupBy)).Append(" AS GroupValue, ")
            .Append("COUNT(*) AS Requests, ")
            .Append("COALESCE(SUM(status >= 400), 0) AS Errors, ")
            .Append("COALESCE(SUM(input_tokens), 0) AS InputTokens, ")
            .Append("COALESCE(SUM(output_tokens), 0) AS OutputTokens, ")
            .Append("COALESCE(SUM(cache_write_5m_tokens), 0) AS CacheWrite5mTokens, ")
            .Append("COALESCE(SUM(cache_write_1h_tokens), 0) AS CacheWrite1hTokens, ")
            .Append("COALESCE(SUM(cache_read_tokens), 0) AS CacheReadTokens, ")
            .Append("COALESCE(SUM(cost_nano_usd), 0) AS CostNanoUsd ")
            .Append("FROM usage_events");

        // Only the bounds that are set, so SQLite can range-scan ix_usage_events_ts.
        var conditions = new List<string>(2);
        if (query.From is not null)
        {
            conditions.Add("ts >= @From");
        }

        if (query.To is not null)
        {
            conditions.Add("ts < @To");
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        sql.Append(" GROUP BY GroupValue ORDER BY GroupValue");

        var parameters = new
        {
            From = UnixTime.ToMilliseconds(query.From),
            To = UnixTime.ToMilliseconds(query.To),
        };

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<TotalsRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(row => row.ToTotals()).ToList();
    }

    // Fixed SQL per enum value: nothing from the caller is ever spliced into the text.
    private static string GroupExpression(UsageGrouping grouping) => grouping switch
    {
        UsageGrouping.Key => "key_id",
        UsageGrouping.Account => "COALESCE(account_id, '')",
        UsageGrouping.Model => "COALESCE(upstream_model, requested_model, '')",
        UsageGrouping.Day => "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Unknown usage grouping."),
    };

    private sealed class TotalsRow
    {
        public string GroupValue { get; set; } = "";
        public long Requests { get; set; }
        public long Errors { get; set; }
        public long InputTokens { get; set; }
        public long OutputTokens { get; set; }
        public long CacheWrite5mTokens { get; set; }
        public long CacheWrite1hTokens { get; set; }
        public long CacheReadTokens { get; set; }
        public long CostNanoUsd { get; set; }

        public UsageTotals ToTotals() => new()
        {
            Group = GroupValue,
            Requests = Requests,
            Errors = Errors,
            InputTokens = InputTokens,
            OutputTokens = OutputTokens,
            CacheWrite5mTokens = CacheWrite5mTokens,
            CacheWrite1hTokens = CacheWrite1hTokens,
            CacheReadTokens = CacheReadTokens,
            Cost = UsageCost.FromNanoUsd(CostNanoUsd),
        };
    }
}
