using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Core.Snapshots;
using Relay.Core.Storage;

namespace Relay.Core.Usage;

/// <summary>
/// Deletes logged content older than the live setting <c>contentRetentionDays</c>: once at start, then every hour.
/// Runs whether or not logging is on now, so content stored while it was on ages out after it is turned off. Each
/// batch is its own short transaction with a pause after it, so usage writes never wait long behind a purge.
/// </summary>
public sealed partial class UsageContentRetention(IUsageStore store, ISnapshotSource snapshots, TimeProvider time, ILogger<UsageContentRetention> logger) : BackgroundService
{
    public const int BatchSize = 500;
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(20);

    /// <summary>One pass: deletes every content row older than the retention period, batch by batch; returns how many went.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(snapshots.Current.Settings.ContentRetentionDays);
        long total = 0;
        while (true)
        {
            var deleted = await store.DeleteContentBeforeAsync(cutoff, BatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < BatchSize)
            {
                break;
            }

            await Task.Delay(PauseBetweenBatches, time, cancellationToken).ConfigureAwait(false);
        }

        if (total > 0)
        {
            Log.Deleted(logger, total, snapshots.Current.Settings.ContentRetentionDays);
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed pass is retried at the next tick; the content only lives an hour longer.
                Log.Failed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1031, LogLevel.Information, "Content retention: deleted the logged content of {Count} events older than {Days} days")]
        public static partial void Deleted(ILogger logger, long count, int days);

        [LoggerMessage(1032, LogLevel.Warning, "Content retention pass failed; retrying in an hour")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
