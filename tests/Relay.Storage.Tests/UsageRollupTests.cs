using Dapper;
using Relay.Core.Usage;
using Relay.Protocols.Usage;

namespace Relay.Storage.Tests;

/// <summary>Reads served from the hourly rollup must equal sums over the raw events, for any range and filter.</summary>
public sealed class UsageRollupTests
{
    private static readonly DateTimeOffset Hour11 = new(2026, 3, 1, 11, 0, 0, TimeSpan.Zero);

    private static UsageEvent Event(DateTimeOffset at, long input, string key = "key_a", string? account = "acc_a", string? group = null, string? model = "m") => new()
    {
        Timestamp = at,
        KeyId = key,
        AccountId = account,
        GroupId = group,
        Platform = "anthropic",
        RequestedModel = model,
        Tokens = new TokenUsage(input, 1, 0, 0, 0),
        Cost = input / 1_000_000m,
        Status = 200,
    };

    [Theory]
    // Each event's input tokens are a distinct bit, so the sum names exactly which events were counted.
    [InlineData("10:59:59.999", "11:00:00.000", 1)]
    [InlineData("11:00:00.000", "12:00:00.000", 2 | 4 | 8)]
    [InlineData("10:30:00.000", "12:30:00.000", 1 | 2 | 4 | 8 | 16)]
    [InlineData("11:00:00.001", "12:00:00.000", 4 | 8)]
    [InlineData("11:15:00.000", "11:45:00.000", 4)]
    [InlineData("11:59:59.999", "13:00:00.001", 8 | 16 | 32)]
    [InlineData(null, "12:00:00.000", 1 | 2 | 4 | 8)]
    [InlineData("12:00:00.000", null, 16 | 32)]
    [InlineData("10:59:59.999", null, 1 | 2 | 4 | 8 | 16 | 32)]
    [InlineData(null, null, 1 | 2 | 4 | 8 | 16 | 32)]
    public async Task Totals_are_exact_across_hour_edges(string? from, string? to, long expectedInput)
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event(Hour11.AddMilliseconds(-1), 1),
            Event(Hour11, 2),
            Event(Hour11.AddMinutes(30), 4),
            Event(Hour11.AddHours(1).AddMilliseconds(-1), 8),
            Event(Hour11.AddHours(1), 16),
            Event(Hour11.AddHours(2), 32),
        ]);
        DateTimeOffset? At(string? time) => time is null ? null : DateTimeOffset.Parse($"2026-03-01T{time}Z", System.Globalization.CultureInfo.InvariantCulture);

        var sum = await db.Usage.SumAsync(UsageFilter.None, At(from), At(to));
        var byKey = await db.Usage.QueryTotalsAsync(new UsageQuery(At(from), At(to), UsageGrouping.Key));

        Assert.Equal(expectedInput, sum.InputTokens);
        Assert.Equal(System.Numerics.BitOperations.PopCount((ulong)expectedInput), sum.Requests);
        Assert.Equal(expectedInput / 1_000_000m, sum.Cost);
        Assert.Equal(expectedInput, Assert.Single(byKey).InputTokens);
    }

    [Fact]
    public async Task A_batch_adds_one_rollup_row_per_hour_key_account_model_and_group()
    {
        using var db = await TempDatabase.CreateAsync();
        var batch = Enumerable.Range(0, 1000).Select(i => Event(Hour11.AddSeconds(i * 3), 10, key: $"key_{i % 3}")).ToList();

        await db.Usage.AppendAsync(batch);
        await db.Usage.AppendAsync(batch);

        await using var connection = await db.Database.OpenAsync();
        var rows = (await connection.QueryAsync<(string Key, long Requests, long Input)>(
            "SELECT key_id, requests, input_tokens FROM usage_hourly ORDER BY key_id")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal([(668L, 6680L), (666L, 6660L), (666L, 6660L)], rows.Select(r => (r.Requests, r.Input)));
    }

    [Fact]
    public async Task Rollups_equal_the_raw_events_after_many_random_batches()
    {
        using var db = await TempDatabase.CreateAsync();
        var random = new Random(20260301);
        var start = new DateTimeOffset(2026, 3, 27, 20, 0, 0, TimeSpan.Zero);
        var events = new List<UsageEvent>();
        for (var batch = 0; batch < 40; batch++)
        {
            var next = UsageReference.RandomEvents(random, random.Next(1, 300), start, TimeSpan.FromDays(3));
            events.AddRange(next);
            await db.Usage.AppendAsync(next);
        }

        // The table itself: every rollup row is the GROUP BY of the events it covers.
        await using (var connection = await db.Database.OpenAsync())
        {
            const string Columns = "requests, errors, input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_nano_usd";
            var rollup = (await connection.QueryAsync<string>(
                $"SELECT hour_start || '|' || key_id || '|' || account_id || '|' || model || '|' || group_id || '|' || {Columns.Replace(", ", " || '|' || ", StringComparison.Ordinal)} FROM usage_hourly ORDER BY 1")).ToList();
            var raw = (await connection.QueryAsync<string>("""
                SELECT (ts - ts % 3600000) || '|' || key_id || '|' || COALESCE(account_id, '') || '|' || COALESCE(upstream_model, requested_model, '')
                    || '|' || COALESCE(group_id, '') || '|' || COUNT(*) || '|' || SUM(status >= 400) || '|' || SUM(input_tokens) || '|' || SUM(output_tokens)
                    || '|' || SUM(cache_write_5m_tokens) || '|' || SUM(cache_write_1h_tokens) || '|' || SUM(cache_read_tokens) || '|' || SUM(cost_nano_usd)
                FROM usage_events GROUP BY ts - ts % 3600000, key_id, COALESCE(account_id, ''), COALESCE(upstream_model, requested_model, ''), COALESCE(group_id, '')
                ORDER BY 1
                """)).ToList();
            Assert.Equal(raw, rollup);
        }

        // And every read, for random ranges (hour-aligned, arbitrary, open), groupings and filters.
        var groupings = Enum.GetValues<UsageGrouping>();
        for (var i = 0; i < 80; i++)
        {
            var from = RandomBound(random, start);
            var to = RandomBound(random, start);
            if (from > to)
            {
                (from, to) = (to, from);
            }

            var filter = new UsageFilter(
                KeyId: random.Next(3) == 0 ? $"key_{random.Next(4)}" : null,
                AccountId: random.Next(4) == 0 ? (random.Next(3) == 0 ? "" : $"acc_{random.Next(3)}") : null,
                GroupId: random.Next(4) == 0 ? (random.Next(3) == 0 ? "" : $"grp_{random.Next(2)}") : null,
                Model: random.Next(5) == 0 ? "up-1" : null);
            var query = new UsageQuery(from, to, groupings[random.Next(groupings.Length)], filter);

            Assert.Equal(UsageReference.Totals(events, query), await db.Usage.QueryTotalsAsync(query));
            Assert.Equal(
                UsageReference.Sum("", events.Where(e => UsageReference.Matches(e, filter, from, to))),
                await db.Usage.SumAsync(filter, from, to));
        }
    }

    [Fact]
    public async Task Group_breakdown_and_filters_use_empty_for_the_shared_pool_and_missing_values()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event(Hour11, 1, group: "grp_team"),
            Event(Hour11.AddHours(3), 2, group: "grp_team", account: null),
            Event(Hour11.AddHours(5), 4, group: null),
            Event(Hour11.AddHours(5), 8, group: null, key: "key_b", model: null),
        ]);

        var byGroup = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Group));
        Assert.Equal([("", 12L), ("grp_team", 3L)], byGroup.Select(t => (t.Group, t.InputTokens)));

        async Task<long> InputAsync(UsageFilter filter) => (await db.Usage.SumAsync(filter, null, null)).InputTokens;
        Assert.Equal(3, await InputAsync(new UsageFilter(GroupId: "grp_team")));
        Assert.Equal(12, await InputAsync(new UsageFilter(GroupId: "")));
        Assert.Equal(2, await InputAsync(new UsageFilter(AccountId: "")));
        Assert.Equal(8, await InputAsync(new UsageFilter(Model: "")));
        Assert.Equal(4, await InputAsync(new UsageFilter(KeyId: "key_a", GroupId: "")));
        Assert.Equal(0, await InputAsync(new UsageFilter(KeyId: "key_b", GroupId: "grp_team")));

        var byModelForTeam = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Model, new UsageFilter(GroupId: "grp_team")));
        Assert.Equal([("m", 3L)], byModelForTeam.Select(t => (t.Group, t.InputTokens)));
    }

    [Fact]
    public async Task Sum_for_limits_counts_every_token_class_and_is_zero_for_unknown_keys()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(
        [
            Event(Hour11, 0) with { Tokens = new TokenUsage(100, 20, 3, 4, 500), Cost = 0.25m },
            Event(Hour11.AddDays(2), 0) with { Tokens = new TokenUsage(1, 1, 1, 1, 1), Cost = 0.5m, Status = 429 },
            Event(Hour11, 0, key: "key_other") with { Tokens = new TokenUsage(1_000, 0, 0, 0, 0) },
        ]);

        var all = await db.Usage.SumAsync(new UsageFilter(KeyId: "key_a"), null, null);
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var firstDay = await db.Usage.SumAsync(new UsageFilter(KeyId: "key_a"), day, day.AddDays(1));
        var unknown = await db.Usage.SumAsync(new UsageFilter(KeyId: "key_missing"), null, null);

        Assert.Equal(2, all.Requests);
        Assert.Equal(1, all.Errors);
        Assert.Equal(627 + 5, all.TotalTokens);
        Assert.Equal(0.75m, all.Cost);
        Assert.Equal(627, firstDay.TotalTokens);
        Assert.Equal(0, unknown.Requests);
        Assert.Equal(0, unknown.TotalTokens);
        Assert.Equal("", unknown.Group);
    }

    private static DateTimeOffset? RandomBound(Random random, DateTimeOffset start) => random.Next(6) switch
    {
        0 => null,
        1 or 2 => start.AddHours(random.Next(-2, 76)),
        _ => start.AddMilliseconds(random.NextInt64(-3_600_000, 76 * 3_600_000L)),
    };
}
