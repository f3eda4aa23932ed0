using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// <see cref="IUsageStore"/> on the shared SQLite file (the schema is created by
/// <see cref="SqliteConfigStore.MigrateAsync"/>). Appends run in one transaction with one prepared
/// insert reused for every row, and update the hourly rollup (<see cref="HourlyRollup"/>) before
/// committing; reads sum whole hours from the rollup and only the partial hours at a range's edges
/// from the events (<see cref="UsageTotalsQuery"/>). Cost is stored as integer nano-USD (<see cref="UsageCost"/>).
/// Logged content goes to <c>usage_content</c> in the same transaction as its event, encrypted with
/// <paramref name="protector"/> (without one, content is not stored).
/// </summary>
public sealed class SqliteUsageStore(SqliteDatabase database, SecretProtector? protector = null) : IUsageStore
{
    private const string InsertContent = """
        INSERT INTO usage_content (event_id, request, response, request_bytes, response_bytes, request_truncated, response_truncated)
        VALUES (last_insert_rowid(), $request, $response, $request_bytes, $response_bytes, $request_truncated, $response_truncated)
        """;

    private const string Insert = """
        INSERT INTO usage_events (ts, key_id, account_id, group_id, platform, requested_model, upstream_model,
            input_tokens, output_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens,
            cost_nano_usd, status, error_class, latency_ms, first_byte_ms, stream, attempts)
        VALUES ($ts, $key_id, $account_id, $group_id, $platform, $requested_model, $upstream_model,
            $input_tokens, $output_tokens, $cache_write_5m_tokens, $cache_write_1h_tokens, $cache_read_tokens,
            $cost_nano_usd, $status, $error_class, $latency_ms, $first_byte_ms, $stream, $attempts)
        """;

    public async Task AppendAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Insert;

        // Plain ADO.NET rather than Dapper here: one prepared statement and one parameter set,
        // rebound per row, is what makes a 1,000-event batch take milliseconds.
        var ts = command.Parameters.Add("$ts", SqliteType.Integer);
        var keyId = command.Parameters.Add("$key_id", SqliteType.Text);
        var accountId = command.Parameters.Add("$account_id", SqliteType.Text);
        var groupId = command.Parameters.Add("$group_id", SqliteType.Text);
        var platform = command.Parameters.Add("$platform", SqliteType.Text);
        var requestedModel = command.Parameters.Add("$requested_model", SqliteType.Text);
        var upstreamModel = command.Parameters.Add("$upstream_model", SqliteType.Text);
        var inputTokens = command.Parameters.Add("$input_tokens", SqliteType.Integer);
        var outputTokens = command.Parameters.Add("$output_tokens", SqliteType.Integer);
        var cacheWrite5m = command.Parameters.Add("$cache_write_5m_tokens", SqliteType.Integer);
        var cacheWrite1h = command.Parameters.Add("$cache_write_1h_tokens", SqliteType.Integer);
        var cacheRead = command.Parameters.Add("$cache_read_tokens", SqliteType.Integer);
        var cost = command.Parameters.Add("$cost_nano_usd", SqliteType.Integer);
        var status = command.Parameters.Add("$status", SqliteType.Integer);
        var errorClass = command.Parameters.Add("$error_class", SqliteType.Text);
        var latency = command.Parameters.Add("$latency_ms", SqliteType.Integer);
        var firstByte = command.Parameters.Add("$first_byte_ms", SqliteType.Integer);
        var stream = command.Parameters.Add("$stream", SqliteType.Integer);
        var attempts = command.Parameters.Add("$attempts", SqliteType.Integer);
        command.Prepare();
        using var content = protector is null || !events.Any(e => e.Content is not null) ? null : PrepareContent(connection, transaction);

        foreach (var e in events)
        {
            ts.Value = UnixTime.ToMilliseconds(e.Timestamp);
            keyId.Value = e.KeyId;
            accountId.Value = (object?)e.AccountId ?? DBNull.Value;
            groupId.Value = (object?)e.GroupId ?? DBNull.Value;
            platform.Value = e.Platform;
            requestedModel.Value = (object?)e.RequestedModel ?? DBNull.Value;
            upstreamModel.Value = (object?)e.UpstreamModel ?? DBNull.Value;
            inputTokens.Value = e.Tokens.Input;
            outputTokens.Value = e.Tokens.Output;
            cacheWrite5m.Value = e.Tokens.CacheWrite5m;
            cacheWrite1h.Value = e.Tokens.CacheWrite1h;
            cacheRead.Value = e.Tokens.CacheRead;
            cost.Value = UsageCost.ToNanoUsd(e.Cost);
            status.Value = e.Status;
            errorClass.Value = (object?)e.ErrorClass ?? DBNull.Value;
            latency.Value = e.LatencyMs;
            firstByte.Value = (object?)e.FirstByteMs ?? DBNull.Value;
            stream.Value = e.Stream ? 1 : 0;
            attempts.Value = e.Attempts;

            // Synchronous on purpose: the provider's async path is synchronous underneath, and a Task per row only costs.
            command.ExecuteNonQuery();
            if (content is not null && e.Content is { } logged)
            {
                // Right after the event's insert, so last_insert_rowid() is its id.
                WriteContent(content, logged);
            }
        }

        HourlyRollup.Write(connection, transaction, events);
        transaction.Commit();
    }

    private static SqliteCommand PrepareContent(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertContent;
        command.Parameters.Add("$request", SqliteType.Blob);
        command.Parameters.Add("$response", SqliteType.Blob);
        command.Parameters.Add("$request_bytes", SqliteType.Integer);
        command.Parameters.Add("$response_bytes", SqliteType.Integer);
        command.Parameters.Add("$request_truncated", SqliteType.Integer);
        command.Parameters.Add("$response_truncated", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    private void WriteContent(SqliteCommand command, UsageContent content)
    {
        var p = command.Parameters;
        p[0].Value = protector!.Protect(content.Request.Span);
        p[1].Value = protector.Protect(content.Response.Span);
        p[2].Value = content.RequestBytes;
        p[3].Value = content.ResponseBytes;
        p[4].Value = content.RequestTruncated ? 1 : 0;
        p[5].Value = content.ResponseTruncated ? 1 : 0;
        command.ExecuteNonQuery();
    }

    public async Task<UsageContent?> GetContentAsync(long eventId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<ContentRow>(new CommandDefinition(
            """
            SELECT request AS Request, response AS Response, request_bytes AS RequestBytes, response_bytes AS ResponseBytes
            FROM usage_content WHERE event_id = @EventId
            """,
            new { EventId = eventId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        if (protector is null)
        {
            throw new InvalidOperationException("Stored content cannot be read without the master key.");
        }

        return new UsageContent(protector.UnprotectBytes(row.Request), row.RequestBytes, protector.UnprotectBytes(row.Response), row.ResponseBytes);
    }

    public async Task<int> DeleteContentBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default)
    {
        var cutoffMs = UnixTime.ToMilliseconds(cutoff);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // The newest event before the cutoff, one seek in ix_usage_events_ts; content rows are walked by their primary
        // key up to it (ids grow with time), checking each event's own time, so a batch never scans what is to stay.
        var lastId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM usage_events WHERE ts < @Cutoff ORDER BY ts DESC, id DESC LIMIT 1", new { Cutoff = cutoffMs }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (lastId is null)
        {
            return 0;
        }

        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM usage_content WHERE event_id IN (
                SELECT c.event_id FROM usage_content c JOIN usage_events e ON e.id = c.event_id
                WHERE c.event_id <= @LastId AND e.ts < @Cutoff
                ORDER BY c.event_id LIMIT @Batch)
            """,
            new { LastId = lastId, Cutoff = cutoffMs, Batch = Math.Max(1, batchSize) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<long> DeleteAllContentAsync(CancellationToken cancellationToken = default)
    {
        const int Batch = 1000;
        long total = 0;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            // One short write transaction per batch: usage appends waiting on the write lock get in between.
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM usage_content WHERE event_id IN (SELECT event_id FROM usage_content ORDER BY event_id LIMIT @Batch)",
                new { Batch },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            total += deleted;
            if (deleted < Batch)
            {
                return total;
            }
        }
    }

    public Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.TotalsAsync(database, query, cancellationToken);

    public Task<IReadOnlyList<UsageSeriesPoint>> QuerySeriesAsync(UsageSeriesQuery query, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.SeriesAsync(database, query, cancellationToken);

    public Task<UsageTotals> SumAsync(UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.SumAsync(database, filter, from, to, cancellationToken);

    public Task<IReadOnlyList<StoredUsageEvent>> ListEventsAsync(UsageEventQuery query, CancellationToken cancellationToken = default) =>
        UsageEventsQuery.ListAsync(database, query, cancellationToken);

    private sealed class ContentRow
    {
        public byte[] Request { get; set; } = [];
        public byte[] Response { get; set; } = [];
        public long RequestBytes { get; set; }
        public long ResponseBytes { get; set; }
    }
}
