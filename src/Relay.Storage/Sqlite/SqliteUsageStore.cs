using Microsoft.Data.Sqlite;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Storage.Sqlite;

/// <summary>
/// <see cref="IUsageStore"/> on the shared SQLite file (the schema is created by
/// <see cref="SqliteConfigStore.MigrateAsync"/>). Appends run in one transaction with one prepared
/// insert reused for every row, and update the hourly rollup (<see cref="HourlyRollup"/>) before
/// committing; reads sum whole hours from the rollup and only the partial hours at a range's edges
/// from the events (<see cref="UsageTotalsQuery"/>). Cost is stored as integer nano-USD (<see cref="UsageCost"/>).
/// </summary>
public sealed class SqliteUsageStore(SqliteDatabase database) : IUsageStore
{
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
        }

        HourlyRollup.Write(connection, transaction, events);
        transaction.Commit();
    }

    public Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.TotalsAsync(database, query, cancellationToken);

    public Task<IReadOnlyList<UsageSeriesPoint>> QuerySeriesAsync(UsageSeriesQuery query, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.SeriesAsync(database, query, cancellationToken);

    public Task<UsageTotals> SumAsync(UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default) =>
        UsageTotalsQuery.SumAsync(database, filter, from, to, cancellationToken);

    public Task<IReadOnlyList<StoredUsageEvent>> ListEventsAsync(UsageEventQuery query, CancellationToken cancellationToken = default) =>
        UsageEventsQuery.ListAsync(database, query, cancellationToken);
}
