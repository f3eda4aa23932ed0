using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Server.OAuth;

namespace Relay.Server.Forwarding;

/// <summary>
/// The access token an attempt on an OAuth account sends, as the forwarder needs it: the live one (refreshed first
/// when it is about to expire), or a renewed one after the upstream refused it. Refreshes are single-flight per
/// account (<see cref="OAuthTokens"/>); this class only turns their outcome into "send with this token" or "stop
/// with this attempt result".
/// </summary>
internal sealed class OAuthBearer(OAuthTokens tokens)
{
    /// <summary>Either the token set to send (its access token, and its account id for the provider's header), or the result that ends the attempt.</summary>
    public readonly record struct Outcome(OAuthTokenSet? Tokens, AttemptResult Stop)
    {
        public static implicit operator Outcome(OAuthTokenSet tokens) => new(tokens, default);

        public static implicit operator Outcome(AttemptResult stop) => new(null, stop);
    }

    /// <summary>The token an OAuth account's attempt sends now.</summary>
    public async Task<Outcome> CurrentAsync(AccountEntry account, CancellationToken clientAborted)
    {
        try
        {
            var current = await tokens.CurrentAsync(account, clientAborted).ConfigureAwait(false);
            return current.Tokens is { } set ? set : RefreshFailed(current);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return ClientGone;
        }
    }

    /// <summary>
    /// The upstream answered 401 to <paramref name="rejected"/>, a token Relay thought valid (the provider rotated or
    /// revoked it early): refresh once, or join the refresh in flight, and say which token to retry with.
    /// </summary>
    public async Task<Outcome> RenewAsync(AccountEntry account, string rejected, CancellationToken timeout, CancellationToken clientAborted)
    {
        try
        {
            var renewed = await tokens.RefreshAsync(account, rejected, timeout).ConfigureAwait(false);
            return renewed.Tokens is { } fresh ? fresh : RefreshFailed(renewed);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return ClientGone;
        }
        catch (OperationCanceledException)
        {
            return AttemptResult.Failover(FailureKind.Network, "token refresh did not finish in time");
        }
    }

    private static AttemptResult ClientGone => new() { ClientGone = true, ErrorClass = ErrorClasses.ClientClosed };

    /// <summary>
    /// A token that could not be renewed: a refused grant is a refused credential (error, with the reason the operator
    /// needs); an unreachable token endpoint is a connect failure (a short cooldown, tried again). Nothing to refresh
    /// with (<see cref="RefreshStatus.CannotRefresh"/>) only gets here once the token has expired or was refused, so it
    /// is a refused credential too.
    /// </summary>
    private static AttemptResult RefreshFailed(RefreshOutcome outcome) => outcome.Status == RefreshStatus.Unavailable
        ? AttemptResult.Failover(FailureKind.Network, outcome.Reason ?? "token refresh failed")
        : AttemptResult.Failover(FailureKind.AuthRejected, outcome.Reason ?? "token refresh was refused");
}
