using System.Diagnostics;
using Dapper;
using Relay.Core.Usage;
using Relay.Protocols.Usage;
using Xunit.Abstractions;

namespace Relay.Storage.Tests;

public sealed class UsageStoreTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>2000 deterministic events over 4 UTC days, 3 keys, 3 accounts plus none, mixed models and statuses.</summary>
    private static List<UsageEvent> SampleEvents(int count = 2000) =>
        Enumerable.Range(0, count).Select(i => new UsageEvent
        {
            // Spread over 4 days: 2000 events * 172.8 s = 96 h.
            Timestamp = Start.AddMilliseconds(i * 172_800L),
            KeyId = $"key_{i % 3}",
            AccountId = i % 4 == 3 ? null : $"acc_{i % 4}",
            Platform = "anthropic",
            RequestedModel = i % 5 == 4 ? null : $"req-{i % 2}",
            UpstreamModel = i % 3 == 0 ? null : $"up-{i % 2}",
            Tokens = new TokenUsage(i, 2 * i, i % 7, i % 11, 3 * i),
            Cost = (i % 97) * 0.000001234m,
            Status = i % 10 == 0 ? 429 : i % 13 == 0 ? 500 : 200,
            ErrorClass = i % 10 == 0 ? "rate_limited" : null,
            LatencyMs = i % 1000,
            FirstByteMs = i % 2 == 0 ? i % 300 : null,
            Stream = i % 2 == 0,
            Attempts = 1 + i % 3,
        }).ToList();

    private static List<UsageTotals> Expected(IEnumerable<UsageEvent> events, Func<UsageEvent, string> group) =>
        events.GroupBy(group)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UsageTotals
            {
                Group = g.Key,
                Requests = g.Count(),
                Errors = g.Count(e => e.Status >= 400),
                InputTokens = g.Sum(e => e.Tokens.Input),
                OutputTokens = g.Sum(e => e.Tokens.Output),
                CacheWrite5mTokens = g.Sum(e => e.Tokens.CacheWrite5m),
                CacheWrite1hTokens = g.Sum(e => e.Tokens.CacheWrite1h),
                CacheReadTokens = g.Sum(e => e.Tokens.CacheRead),
                Cost = g.Sum(e => e.Cost),
            })
            .ToList();

    private static async Task<(TempDatabase Db, List<UsageEvent> Events)> SeededAsync()
    {
        var db = await TempDatabase.CreateAsync();
        var events = SampleEvents();
        await db.Usage.AppendAsync(events);
        return (db, events);
    }

    [Fact]
    public async Task Append_writes_every_field()
    {
        using var db = await TempDatabase.CreateAsync();
        var e = SampleEvents(2)[1] with { Cost = 0.123456789m, ErrorClass = "overloaded", FirstByteMs = 42, Status = 529, GroupId = "grp_1" };

        await db.Usage.AppendAsync([e]);

        await using var connection = await db.Database.OpenAsync();
        var row = await connection.QuerySingleAsync(
            "SELECT ts, key_id, account_id, group_id, platform, requested_model, upstream_model, input_tokens, output_tokens, " +
            "cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, cost_nano_usd, status, error_class, " +
            "latency_ms, first_byte_ms, stream, attempts FROM usage_events");
        Assert.Equal(e.Timestamp.ToUnixTimeMilliseconds(), (long)row.ts);
        Assert.Equal("key_1", (string)row.key_id);
        Assert.Equal("acc_1", (string)row.account_id);
        Assert.Equal("grp_1", (string)row.group_id);
        Assert.Equal("req-1", (string)row.requested_model);
        Assert.Equal("up-1", (string)row.upstream_model);
        Assert.Equal(1L, (long)row.input_tokens);
        Assert.Equal(2L, (long)row.output_tokens);
        Assert.Equal(1L, (long)row.cache_write_5m_tokens);
        Assert.Equal(1L, (long)row.cache_write_1h_tokens);
        Assert.Equal(3L, (long)row.cache_read_tokens);
        Assert.Equal(123_456_789L, (long)row.cost_nano_usd);
        Assert.Equal(529L, (long)row.status);
        Assert.Equal("overloaded", (string)row.error_class);
        Assert.Equal(1L, (long)row.latency_ms);
        Assert.Equal(42L, (long)row.first_byte_ms);
        Assert.Equal(0L, (long)row.stream);
        Assert.Equal(2L, (long)row.attempts);
    }

    [Fact]
    public async Task Append_of_nothing_is_a_no_op()
    {
        using var db = await TempDatabase.CreateAsync();

        await db.Usage.AppendAsync([]);

        Assert.Empty(await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Key)));
    }

    [Fact]
    public async Task Totals_by_key_match_the_events()
    {
        var (db, events) = await SeededAsync();
        using var _ = db;

        var totals = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Key));

        Assert.Equal(Expected(events, e => e.KeyId), totals);
        Assert.Equal(2000, totals.Sum(t => t.Requests));
    }

    [Fact]
    public async Task Totals_by_account_put_requests_without_an_account_under_empty()
    {
        var (db, events) = await SeededAsync();
        using var _ = db;

        var totals = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Account));

        Assert.Equal(Expected(events, e => e.AccountId ?? ""), totals);
        Assert.Equal("", totals[0].Group);
    }

    [Fact]
    public async Task Totals_by_model_prefer_the_upstream_model()
    {
        var (db, events) = await SeededAsync();
        using var _ = db;

        var totals = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Model));

        Assert.Equal(Expected(events, e => e.UpstreamModel ?? e.RequestedModel ?? ""), totals);
        Assert.Contains(totals, t => t.Group == "");
    }

    [Fact]
    public async Task Totals_by_day_use_utc_days()
    {
        var (db, events) = await SeededAsync();
        using var _ = db;

        var totals = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Day));

        Assert.Equal(Expected(events, e => e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), totals);
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"], totals.Select(t => t.Group));
    }

    [Fact]
    public async Task Time_filter_includes_from_and_excludes_to()
    {
        var (db, events) = await SeededAsync();
        using var _ = db;

        // Both bounds fall exactly on event timestamps.
        var from = events[500].Timestamp;
        var to = events[1500].Timestamp;
        var totals = await db.Usage.QueryTotalsAsync(new UsageQuery(from, to, UsageGrouping.Key));
        var fromOnly = await db.Usage.QueryTotalsAsync(new UsageQuery(from, null, UsageGrouping.Key));
        var toOnly = await db.Usage.QueryTotalsAsync(new UsageQuery(null, to, UsageGrouping.Key));

        Assert.Equal(Expected(events.Where(e => e.Timestamp >= from && e.Timestamp < to), e => e.KeyId), totals);
        Assert.Equal(1000, totals.Sum(t => t.Requests));
        Assert.Equal(1500, fromOnly.Sum(t => t.Requests));
        Assert.Equal(1500, toOnly.Sum(t => t.Requests));
    }

    [Fact]
    public async Task Costs_sum_exactly()
    {
        using var db = await TempDatabase.CreateAsync();
        var one = SampleEvents(1)[0];
        await db.Usage.AppendAsync(Enumerable.Range(0, 1000).Select(_ => one with { Cost = 0.000000001m }).ToList());
        await db.Usage.AppendAsync([one with { Cost = 0.1m }, one with { Cost = 0.2m }]);

        var total = Assert.Single(await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Key)));

        Assert.Equal(0.300001m, total.Cost);
    }

    [Fact]
    public async Task Appending_1000_events_is_fast()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync(SampleEvents(100)); // warm up: JIT, statement cache, WAL file
        var batch = SampleEvents(1000);

        var stopwatch = Stopwatch.StartNew();
        await db.Usage.AppendAsync(batch);
        stopwatch.Stop();

        output.WriteLine($"1000 events appended in {stopwatch.Elapsed.TotalMilliseconds:F1} ms");

        // The target is well under 100 ms; the bound leaves room for a loaded CI machine.
        Assert.True(stopwatch.ElapsedMilliseconds < 500, $"took {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Deleting_accounts_and_keys_keeps_their_usage()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Config.InsertAccountAsync(Records.Account("acc_0"));
        await db.Config.InsertKeyAsync(Records.Key("key_0"));
        var events = SampleEvents(30);
        await db.Usage.AppendAsync(events);

        await db.Config.DeleteAccountAsync("acc_0");
        await db.Config.DeleteKeyAsync("key_0");

        var byKey = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Key));
        var byAccount = await db.Usage.QueryTotalsAsync(new UsageQuery(null, null, UsageGrouping.Account));
        Assert.Equal(events.Count(e => e.KeyId == "key_0"), byKey.Single(t => t.Group == "key_0").Requests);
        Assert.Equal(events.Count(e => e.AccountId == "acc_0"), byAccount.Single(t => t.Group == "acc_0").Requests);
    }
}
