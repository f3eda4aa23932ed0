using System.Security.Cryptography;
using System.Text;
using Dapper;
using Relay.Core.Security;
using Relay.Core.Usage;
using Relay.Protocols.Usage;
using Relay.Storage.Sqlite;

namespace Relay.Storage.Tests;

/// <summary>Logged content in <c>usage_content</c>: written with its event, encrypted, read back, aged out, deleted.</summary>
public sealed class UsageContentStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static UsageEvent Event(int i, UsageContent? content = null) => new()
    {
        Timestamp = Start.AddHours(i),
        KeyId = "key_1",
        AccountId = "acc_1",
        Platform = "anthropic",
        RequestedModel = "claude-sonnet-4-5",
        Tokens = new TokenUsage(10, 20, 0, 0, 0),
        Status = 200,
        LatencyMs = 5,
        Content = content,
    };

    private static UsageContent Content(string request, string response, long? requestBytes = null) =>
        new(Encoding.UTF8.GetBytes(request), requestBytes ?? Encoding.UTF8.GetByteCount(request), Encoding.UTF8.GetBytes(response), Encoding.UTF8.GetByteCount(response));

    private static SqliteUsageStore Store(TempDatabase db) => new(db.Database, new SecretProtector(RandomNumberGenerator.GetBytes(SecretProtector.KeySize)));

    [Fact]
    public async Task Content_is_written_with_its_event_encrypted_and_read_back()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = Store(db);
        await store.AppendAsync([Event(0), Event(1, Content("{\"prompt\":\"plain-secret-words\"}", "data: answer-words\n\n", requestBytes: 5000)), Event(2)]);

        var events = await store.ListEventsAsync(new UsageEventQuery { Limit = 10 });
        Assert.Equal([false, true, false], events.OrderBy(e => e.Id).Select(e => e.HasContent));
        var withContent = events.Single(e => e.HasContent);

        var content = Assert.IsType<UsageContent>(await store.GetContentAsync(withContent.Id));
        Assert.Equal("{\"prompt\":\"plain-secret-words\"}", Encoding.UTF8.GetString(content.Request.Span));
        Assert.Equal(5000, content.RequestBytes);
        Assert.True(content.RequestTruncated);
        Assert.Equal("data: answer-words\n\n", Encoding.UTF8.GetString(content.Response.Span));
        Assert.False(content.ResponseTruncated);
        Assert.Null(await store.GetContentAsync(withContent.Id + 100));

        await using var connection = await db.Database.OpenAsync();
        var row = await connection.QuerySingleAsync<(byte[] Request, byte[] Response, long RequestTruncated, long ResponseBytes)>(
            "SELECT request, response, request_truncated, response_bytes FROM usage_content");
        Assert.Equal(-1, row.Request.AsSpan().IndexOf("plain-secret-words"u8));
        Assert.Equal(-1, row.Response.AsSpan().IndexOf("answer-words"u8));
        Assert.Equal(1, row.RequestTruncated);
        Assert.Equal(20, row.ResponseBytes);
    }

    [Fact]
    public async Task A_store_without_the_master_key_writes_events_but_no_content()
    {
        using var db = await TempDatabase.CreateAsync();
        await db.Usage.AppendAsync([Event(0, Content("a", "b"))]);
        Assert.False(Assert.Single(await db.Usage.ListEventsAsync(new UsageEventQuery { Limit = 10 })).HasContent);
    }

    [Fact]
    public async Task Delete_before_removes_only_older_content_in_batches_and_delete_all_the_rest()
    {
        using var db = await TempDatabase.CreateAsync();
        var store = Store(db);
        await store.AppendAsync([.. Enumerable.Range(0, 10).Select(i => Event(i, Content($"req {i}", $"res {i}")))]);

        // Events at hours 0..9; the cutoff at hour 7 leaves 7 older ones, deleted 3 at a time.
        var cutoff = Start.AddHours(7);
        Assert.Equal(3, await store.DeleteContentBeforeAsync(cutoff, 3));
        Assert.Equal(3, await store.DeleteContentBeforeAsync(cutoff, 3));
        Assert.Equal(1, await store.DeleteContentBeforeAsync(cutoff, 3));
        Assert.Equal(0, await store.DeleteContentBeforeAsync(cutoff, 3));
        var events = (await store.ListEventsAsync(new UsageEventQuery { Limit = 100 })).OrderBy(e => e.Event.Timestamp).ToList();
        Assert.Equal(10, events.Count);
        Assert.Equal([.. Enumerable.Repeat(false, 7), true, true, true], events.Select(e => e.HasContent));

        Assert.Equal(3, await store.DeleteAllContentAsync());
        Assert.All(await store.ListEventsAsync(new UsageEventQuery { Limit = 100 }), e => Assert.False(e.HasContent));
    }

    [Fact]
    public async Task Migration_6_adds_the_content_table_to_a_database_with_events()
    {
        using var db = await TempDatabase.CreateAsync(migrate: false);
        var migrator = new SqliteMigrator(db.Database);
        await migrator.MigrateAsync(throughVersion: 5);
        await db.Usage.AppendAsync([Event(0), Event(1)]);

        Assert.Equal(1, await migrator.MigrateAsync(throughVersion: 6));

        var store = Store(db);
        var before = await store.ListEventsAsync(new UsageEventQuery { Limit = 10 });
        Assert.Equal(2, before.Count);
        Assert.All(before, e => Assert.False(e.HasContent));
        Assert.Equal(20, (await store.SumAsync(UsageFilter.None, null, null)).InputTokens);

        await store.AppendAsync([Event(2, Content("x", "y"))]);
        var after = await store.ListEventsAsync(new UsageEventQuery { Limit = 10 });
        Assert.Equal(3, after.Count);
        Assert.Single(after, e => e.HasContent);

        // The content row belongs to its event.
        await using var connection = await db.Database.OpenAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM usage_content c LEFT JOIN usage_events e ON e.id = c.event_id WHERE e.id IS NULL"));
    }
}
