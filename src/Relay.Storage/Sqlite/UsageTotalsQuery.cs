using System.Text;
using Dapper;
using Relay.Core.Usage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// The grouped sums behind usage reports, series and limit seeding. Every read is one statement over
/// a <see cref="UsageReadPlan"/>: whole hours from <c>usage_hourly</c>, partial hours from
/// <c>usage_events</c>, both normalised to the same columns and tagged with their bucket, then grouped
/// by (bucket, group value). Group values are described on <see cref="UsageGrouping"/>; From is
/// inclusive, To exclusive.
/// </summary>
internal static class UsageTotalsQuery
{
    /// <summary>A store-side guard; the Control API allows far fewer buckets.</summary>
    private const int MaxSeriesBuckets = 100_000;

    public static async Task<IReadOnlyList<UsageTotals>> TotalsAsync(SqliteDatabase database, UsageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var plan = UsageReadPlan.For([(UnixTime.ToMilliseconds(query.From), UnixTime.ToMilliseconds(query.To))]);
        var rows = await RunAsync(database, plan, query.GroupBy, query.Filter, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => row.ToTotals())];
    }

    public static async Task<UsageTotals> SumAsync(SqliteDatabase database, UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var plan = UsageReadPlan.For([(UnixTime.ToMilliseconds(from), UnixTime.ToMilliseconds(to))]);
        var rows = await RunAsync(database, plan, grouping: null, filter, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? UsageTotals.Empty : rows[0].ToTotals();
    }

    public static async Task<IReadOnlyList<UsageSeriesPoint>> SeriesAsync(SqliteDatabase database, UsageSeriesQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var buckets = UsageBuckets.TryList(query.From, query.To, query.Bucket, query.TimeZone, MaxSeriesBuckets)
            ?? throw new ArgumentOutOfRangeException(nameof(query), $"A usage series may have at most {MaxSeriesBuckets} buckets.");
        var plan = UsageReadPlan.For(buckets.Select(b => ((long?)UnixTime.ToMilliseconds(b.From), (long?)UnixTime.ToMilliseconds(b.To))));
        var rows = await RunAsync(database, plan, query.SplitBy, query.Filter, cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => new UsageSeriesPoint(buckets[(int)row.Bucket].Start, row.ToTotals()))];
    }

    private static async Task<List<BucketRow>> RunAsync(
        SqliteDatabase database,
        UsageReadPlan plan,
        UsageGrouping? grouping,
        UsageFilter? filter,
        CancellationToken cancellationToken)
    {
        if (plan.IsEmpty)
        {
            return [];
        }

        filter ??= UsageFilter.None;

        // The pieces are unpacked from JSON once into small materialised tables, so the bucket number
        // is a plain column per joined row rather than a JSON extraction.
        var sql = new StringBuilder("""
            WITH rollup_pieces (lo, hi, bucket) AS MATERIALIZED (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@Rollup)),
                 raw_pieces (lo, hi, bucket) AS MATERIALIZED (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@Raw))
            """)
            .Append(" SELECT bucket AS Bucket, ").Append(GroupExpression(grouping)).Append(" AS GroupValue, ")
            .Append("SUM(requests) AS Requests, SUM(errors) AS Errors, SUM(input_tokens) AS InputTokens, ")
            .Append("SUM(output_tokens) AS OutputTokens, SUM(cache_write_5m_tokens) AS CacheWrite5mTokens, ")
            .Append("SUM(cache_write_1h_tokens) AS CacheWrite1hTokens, SUM(cache_read_tokens) AS CacheReadTokens, ")
            .Append("SUM(cost_nano_usd) AS CostNanoUsd FROM (");

        // CROSS JOIN keeps the piece list as the outer loop, so each piece is one range seek on the
        // hour (or key/account/group) index rather than a scan of the table per piece.
        sql.Append("""
            SELECT p.bucket, h.hour_start AS ts, h.key_id, h.account_id, h.model, h.group_id,
                h.requests, h.errors, h.input_tokens, h.output_tokens, h.cache_write_5m_tokens,
                h.cache_write_1h_tokens, h.cache_read_tokens, h.cost_nano_usd
            FROM rollup_pieces AS p CROSS JOIN usage_hourly AS h
            WHERE h.hour_start >= p.lo AND h.hour_start < p.hi
            """);
        AppendFilters(sql, filter, "h.key_id", "h.account_id", "h.model", "h.group_id");

        sql.Append("""

            UNION ALL
            SELECT p.bucket, e.ts, e.key_id, COALESCE(e.account_id, ''),
                COALESCE(e.upstream_model, e.requested_model, ''), COALESCE(e.group_id, ''),
                1, e.status >= 400, e.input_tokens, e.output_tokens, e.cache_write_5m_tokens,
                e.cache_write_1h_tokens, e.cache_read_tokens, e.cost_nano_usd
            FROM raw_pieces AS p CROSS JOIN usage_events AS e
            WHERE e.ts >= p.lo AND e.ts < p.hi
            """);
        AppendFilters(sql, filter, "e.key_id", "COALESCE(e.account_id, '')", "COALESCE(e.upstream_model, e.requested_model, '')", "COALESCE(e.group_id, '')");

        sql.Append(") GROUP BY Bucket, GroupValue ORDER BY Bucket, GroupValue");

        var parameters = new
        {
            Rollup = plan.RollupJson,
            Raw = plan.RawJson,
            filter.KeyId,
            filter.AccountId,
            filter.GroupId,
            filter.Model,
        };

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<BucketRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.AsList();
    }

    /// <summary>Only the filters that are set, each a fixed column against a parameter: nothing from the caller is spliced into the text.</summary>
    private static void AppendFilters(StringBuilder sql, UsageFilter filter, string key, string account, string model, string group)
    {
        if (filter.KeyId is not null)
        {
            sql.Append(" AND ").Append(key).Append(" = @KeyId");
        }

        if (filter.AccountId is not null)
        {
            sql.Append(" AND ").Append(account).Append(" = @AccountId");
        }

        if (filter.Model is not null)
        {
            sql.Append(" AND ").Append(model).Append(" = @Model");
        }

        if (filter.GroupId is not null)
        {
            sql.Append(" AND ").Append(group).Append(" = @GroupId");
        }
    }

    // Over the normalised columns of both halves; fixed SQL per enum value. Null = one row per bucket.
    private static string GroupExpression(UsageGrouping? grouping) => grouping switch
    {
        null => "''",
        UsageGrouping.Key => "key_id",
        UsageGrouping.Account => "account_id",
        UsageGrouping.Model => "model",
        UsageGrouping.Group => "group_id",
        UsageGrouping.Day => "strftime('%Y-%m-%d', ts / 1000, 'unixepoch')",
        UsageGrouping.Hour => "strftime('%Y-%m-%dT%H:00:00Z', ts / 1000, 'unixepoch')",
        _ => throw new ArgumentOutOfRangeException(nameof(grouping), grouping, "Unknown usage grouping."),
    };

    private sealed class BucketRow
    {
        public long Bucket { get; set; }
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
