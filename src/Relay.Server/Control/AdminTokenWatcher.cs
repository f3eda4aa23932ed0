using Relay.Core.Storage;
using Relay.Server.Hosting;

namespace Relay.Server.Control;

/// <summary>
/// Reloads the stored admin-token hash while the server runs, so <c>relay admin rotate-token</c>
/// (another process) takes effect within a poll interval: after a leak, the old token must stop
/// working without a restart.
/// </summary>
internal sealed class AdminTokenWatcher(AdminToken adminToken, IConfigStore store, TimeSpan interval, ILogger<AdminTokenWatcher> logger)
    : BackgroundService
{
    private string? _lastHash;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var stored = await store.GetSettingAsync(AdminToken.HashSetting, stoppingToken).ConfigureAwait(false);

                // Only reload when a hash exists: InitializeAsync would otherwise generate a token nobody sees.
                if (stored is not null && !string.Equals(stored, _lastHash, StringComparison.Ordinal))
                {
                    await adminToken.InitializeAsync(null, store, stoppingToken).ConfigureAwait(false);
                    if (_lastHash is not null)
                    {
                        ControlLog.AdminTokenReloaded(logger);
                    }

                    _lastHash = stored;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ControlLog.AdminTokenReloadFailed(logger, ex);
            }
        }
    }
}
