using Relay.Core.State;
using Relay.Core.Storage;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// Applies account resets requested by the CLI (see <see cref="AccountResetRequests"/>) to this
/// server's live state within a poll interval. Requests present at start-up are only noted: a
/// fresh process has no cooldowns to clear.
/// </summary>
internal sealed class AccountResetWatcher(IConfigStore store, IHotState hotState, TimeSpan interval, ILogger<AccountResetWatcher> logger)
    : BackgroundService
{
    private Dictionary<string, DateTimeOffset>? _seen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var requests = AccountResetRequests.Parse(await store.GetSettingAsync(AccountResetRequests.Setting, stoppingToken).ConfigureAwait(false));
                if (_seen is not null)
                {
                    foreach (var (accountId, at) in requests)
                    {
                        if (!_seen.TryGetValue(accountId, out var seenAt) || seenAt != at)
                        {
                            hotState.Reset(accountId);
                            ControlLog.AccountReset(logger, accountId);
                        }
                    }
                }

                _seen = requests;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ControlLog.ResetPollFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
