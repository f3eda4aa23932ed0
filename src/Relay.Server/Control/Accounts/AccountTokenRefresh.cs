using Relay.Core.State;
using Relay.Core.Snapshots;
using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// <c>POST /api/accounts/{id}/refresh</c>: an operator's refresh of an <c>oauth</c> account's tokens, through the same
/// single-flight refresher as the request path (joining a refresh already in flight). Server only: the CLI process
/// holds no live tokens.
/// </summary>
internal sealed class AccountTokenRefresh(SnapshotManager snapshots, OAuthTokens tokens, IHotState hotState, AccountService accounts, TimeProvider time)
{
    public async Task<Outcome<AccountView>> RefreshAsync(string id, CancellationToken cancellationToken)
    {
        var view = await accounts.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (view.Error is not null)
        {
            return view;
        }

        if (!snapshots.Current.AccountsById.TryGetValue(id, out var account) || !account.IsOAuth)
        {
            return ControlError.Conflict($"Account {id} is not an oauth account; only token accounts can be refreshed.");
        }

        if (account.Tokens is null)
        {
            return ControlError.Conflict(account.UnusableReason ?? "The account has no stored tokens; import them again.");
        }

        var outcome = await tokens.RefreshAsync(account, staleAccessToken: null, cancellationToken).ConfigureAwait(false);
        if (outcome.Tokens is null)
        {
            var reason = outcome.Reason ?? "token refresh failed";
            if (outcome.Status == RefreshStatus.Rejected)
            {
                // The same verdict a request would reach: the account needs a new sign-in.
                hotState.ReportFailure(id, FailureKind.AuthRejected, null, reason, time.GetUtcNow());
            }

            return ControlError.Conflict(reason);
        }

        // A working refresh token ends an error a refused refresh (or a refused old token) left behind.
        hotState.ReportSuccess(id);
        return await accounts.GetAsync(id, cancellationToken).ConfigureAwait(false);
    }
}
