using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Relay.Core.Snapshots;

/// <summary>
/// Polls the store's config version so that changes made by another process (the CLI verbs, a
/// second node) reach the running server within <paramref name="interval"/>. Changes made through
/// this process's Control API refresh immediately and do not wait for the poll.
/// </summary>
public sealed partial class SnapshotRefreshService(SnapshotManager snapshots, TimeSpan interval, ILogger<SnapshotRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await snapshots.RefreshAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Keep serving the last good snapshot; the store may be briefly locked or unavailable.
                Log.RefreshFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1011, LogLevel.Warning, "Configuration refresh failed; still serving the previous snapshot")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
