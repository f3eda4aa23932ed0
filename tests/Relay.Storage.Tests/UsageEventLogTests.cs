using Dapper;
using Relay.Core.Usage;
using Relay.Protocols.Usage;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

public sealed class UsageEventLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static UsageEvent Event(int i, DateTimeOffset at) => new()
    {
        Timestamp = at,
        KeyId = $"key_{i % 2}",
        AccountId = i % 3 == 0 ? null : "acc_1",
        GroupId = i % 4 == 0 ? "grp_1" : null,
        Platform = "anthropic",
        RequestedModel = "claude-haiku-4-5",
        Tokens = new TokenUsage(i, 1, 0, 0, 0),
        Status = i % 5 == 0 ? 429 : 200,
    };

    [Fact]
    public async Task Pages_walk_every_event_newest_first_and_ties_in_one_millisecond_are_kept_apart()
    {
        using var db = await TempDatabase.CreateAsync();

        // Three events share each millisecond, so the id has to break the tie at page edges.
        var events = Enumerable.Range(0, 60).Select(i => Event(i, Start.AddMilliseconds(i / 3))).ToList();
        await db.Usage.AppendAsync(events);

        var seen = new List<StoredUsageEvent>();
        UsageEventCursor? before = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await db.Usage.ListEventsAsync(new UsageEventQuery { Limit = 7, Before = before });
            seen.AddRange(page);
            if (page.Count < 7)
            {
                break;
            }

            before = page[^1].Cursor;

            // A newer event written between pages does not shift what comes next.
            await db.Usage.AppendAsync([Event(99, Start.AddHours(1))]);
        }

        var old = seen.Where(e => e.Event.Timestamp < Start.AddHours(1)).ToList();
        Assert.Equal(60, old.Count);
        Assert.Equal(60, old.Select(e => e.Id).Distinct().Count());
        Assert.Equal(old.OrderByDescending(e => e.Event.Timestamp).ThenByDescending(e => e.Id).Select(e => e.Id), old.Select(e => e.Id));
    }

    [Fact]
    public async Task Filters_match_the_report_values()
    {
        using var db = await TempDatabase.CreateAsync();
        var events = Enumerable.Range(0, 40).Select(i => Event(i, Start.AddMinutes(i))).ToList();
        await db.Usage.AppendAsync(events);

        async Task<int> CountAsync(UsageEventQuery query) => (await db.Usage.ListEventsAsync(query with { Limit = 500 })).Count;
        Assert.Equal(events.Count(e => e.Status >= 400), await CountAsync(new UsageEventQuery { Status = UsageStatusFilter.Error }));
        Assert.Equal(events.Count(e => e.Status < 400), await CountAsync(new UsageEventQuery { Status = UsageStatusFilter.Ok }));
        Assert.Equal(events.Count(e => e.AccountId is null), await CountAsync(new UsageEventQuery { Filter = new UsageFilter(AccountId: "") }));
        Assert.Equal(events.Count(e => e.GroupId == "grp_1" && e.KeyId == "key_0"), await CountAsync(new UsageEventQuery { Filter = new UsageFilter("key_0", GroupId: "grp_1") }));
        Assert.Equal(10, await CountAsync(new UsageEventQuery { From = Start.AddMinutes(5), To = Start.AddMinutes(15) }));
        Assert.Equal(40, await CountAsync(new UsageEventQuery { Filter = new UsageFilter(Model: "claude-haiku-4-5") }));

        var read = (await db.Usage.ListEventsAsync(new UsageEventQuery { Limit = 1 }))[0].Event;
        Assert.Equal(events[^1] with { Timestamp = read.Timestamp }, read);
        Assert.Equal(events[^1].Timestamp, read.Timestamp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_page_is_an_index_walk_without_a_sort(bool byKey)
    {
        using var db = await TempDatabase.CreateAsync();
        var query = new UsageEventQuery
        {
            From = Start,
            To = Start.AddDays(1),
            Filter = byKey ? new UsageFilter("key_1") : UsageFilter.None,
            Status = UsageStatusFilter.Error,
            Before = new UsageEventCursor(Start.AddHours(1).ToUnixTimeMilliseconds(), 1),
        };

        await using var connection = await db.Database.OpenAsync();
        var rows = await connection.QueryAsync<PlanRow>(
            "EXPLAIN QUERY PLAN " + UsageEventsQuery.Build(query),
            new { From = 0L, To = 1L, KeyId = "key_1", BeforeTs = 1L, BeforeId = 1L, Limit = 50 });
        var plan = string.Join("\n", rows.Select(r => r.Detail));

        Assert.Contains(byKey ? "ix_usage_events_key_ts" : "ix_usage_events_ts", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);

        // A deep page seeks to its cursor, not to 'to' (which would step over every newer row first).
        Assert.DoesNotContain("@To", UsageEventsQuery.Build(query), StringComparison.Ordinal);
    }

    private sealed class PlanRow
    {
        public string Detail { get; set; } = "";
    }
}
