using System.Collections.Concurrent;
using System.Data.Common;
using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Server.Forwarding;

namespace Relay.Server.OAuth;

/// <summary>How a refresh (or getting a usable access token) ended.</summary>
internal enum RefreshStatus
{
    Refreshed,

    /// <summary>The provider refused the grant: the sign-in is over, the account is in error.</summary>
    Rejected,

    /// <summary>
    /// Nothing to refresh with (no refresh token, or its provider is no longer configured). Not a verdict on the
    /// access token: it is in error only once it has expired or the upstream refused it.
    /// </summary>
    CannotRefresh,

    /// <summary>The token endpoint could not be reached or failed: the account cools and it is tried again later.</summary>
    Unavailable,
}

/// <summary>The outcome of a refresh. A class, not a record, so nothing prints the token set.</summary>
internal sealed class RefreshOutcome
{
    private RefreshOutcome(RefreshStatus status, OAuthTokenSet? tokens, string? reason)
    {
        Status = status;
        Tokens = tokens;
        Reason = reason;
    }

    public RefreshStatus Status { get; }
    public OAuthTokenSet? Tokens { get; }

    /// <summary>For the operator: no token, only what went wrong.</summary>
    public string? Reason { get; }

    public static RefreshOutcome Refreshed(OAuthTokenSet tokens) => new(RefreshStatus.Refreshed, tokens, null);
    public static RefreshOutcome Rejected(string reason) => new(RefreshStatus.Rejected, null, reason);
    public static RefreshOutcome CannotRefresh(string reason) => new(RefreshStatus.CannotRefresh, null, reason);
    public static RefreshOutcome Unavailable(string reason) => new(RefreshStatus.Unavailable, null, reason);
}

/// <summary>Live token state of one account for views: the current set and the last refresh's failure, if any.</summary>
internal sealed record OAuthLiveState(OAuthTokenSet Tokens, string? RefreshError);

/// <summary>
/// The live token sets of OAuth accounts and their single-flight refresher. Each account has one slot holding its
/// current token set (seeded from the snapshot; a newer set from the store, e.g. an operator's import, replaces it)
/// and at most one refresh task in flight: every request that needs a fresh token awaits that same task. A refreshed
/// set is written through to the store (outside the config version, so no snapshot rebuild) and is what the very next
/// request sends. A failed refresh never replaces the stored set.
/// </summary>
internal sealed partial class OAuthTokens(
    IConfigStore store,
    SecretProtector protector,
    OAuthProviders providers,
    UpstreamHttp upstream,
    TimeProvider time,
    ILogger<OAuthTokens> logger)
{
    public const string InvalidGrantReason = "sign-in expired: refresh token was rejected (invalid_grant); sign in again";

    private static readonly TimeSpan RefreshTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultSkew = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);

    /// <summary>
    /// The access token to send now. When it expires within the provider's skew it is refreshed first (joining a
    /// refresh already in flight); if that refresh fails but the stored token has not expired yet, the stored one is used.
    /// </summary>
    public async ValueTask<RefreshOutcome> CurrentAsync(AccountEntry account, CancellationToken cancellationToken)
    {
        var slot = SlotFor(account);
        var tokens = slot.Tokens;
        var now = time.GetUtcNow();
        var skew = providers.Find(account.Record.OAuthProvider)?.RefreshSkew ?? DefaultSkew;
        if (!tokens.ExpiresWithin(skew, now))
        {
            return RefreshOutcome.Refreshed(tokens);
        }

        var outcome = await RefreshAsync(account, tokens.AccessToken, cancellationToken).ConfigureAwait(false);
        if (outcome.Status != RefreshStatus.Refreshed && !tokens.ExpiresWithin(TimeSpan.Zero, time.GetUtcNow()))
        {
            // Still valid for a few seconds: better than failing the request; the next one tries the refresh again.
            return RefreshOutcome.Refreshed(tokens);
        }

        return outcome;
    }

    /// <summary>
    /// Refreshes the account's tokens, or joins the refresh in flight. <paramref name="staleAccessToken"/> is the token
    /// the caller found wanting (expiring, or refused with 401): when the slot already holds another one, somebody has
    /// refreshed meanwhile and that set is returned without a new call. Null forces a refresh (an operator's request).
    /// The caller's cancellation only stops its wait; the refresh itself runs to its own timeout for every waiter.
    /// </summary>
    public Task<RefreshOutcome> RefreshAsync(AccountEntry account, string? staleAccessToken, CancellationToken cancellationToken)
    {
        var slot = SlotFor(account);
        Task<RefreshOutcome> task;
        lock (slot)
        {
            if (staleAccessToken is not null && !string.Equals(slot.Tokens.AccessToken, staleAccessToken, StringComparison.Ordinal))
            {
                return Task.FromResult(RefreshOutcome.Refreshed(slot.Tokens));
            }

            // RunAsync yields before doing anything, so this assignment happens before its finally can clear it.
            task = slot.Refreshing ??= RunAsync(account, slot);
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>What the views show: the live set and the last refresh error; null when this process has not used the account.</summary>
    public OAuthLiveState? Live(string accountId)
    {
        if (!_slots.TryGetValue(accountId, out var slot))
        {
            return null;
        }

        lock (slot)
        {
            return new OAuthLiveState(slot.Tokens, slot.RefreshError);
        }
    }

    /// <summary>Forgets an account's live state (deleted, or its tokens replaced by the operator).</summary>
    public void Forget(string accountId) => _slots.TryRemove(accountId, out _);

    private Slot SlotFor(AccountEntry account)
    {
        var seed = account.Tokens ?? throw new InvalidOperationException($"Account {account.Id} has no token set.");
        var slot = _slots.GetOrAdd(account.Id, static (_, tokens) => new Slot(tokens), seed);
        if (seed.IssuedAt > slot.Tokens.IssuedAt)
        {
            lock (slot)
            {
                // A newer set from the store than the live one: an operator imported tokens (or another process refreshed).
                if (seed.IssuedAt > slot.Tokens.IssuedAt)
                {
                    slot.Tokens = seed;
                    slot.RefreshError = null;
                }
            }
        }

        return slot;
    }

    private async Task<RefreshOutcome> RunAsync(AccountEntry account, Slot slot)
    {
        await Task.Yield();
        try
        {
            var outcome = await RefreshOnceAsync(account, slot).ConfigureAwait(false);
            lock (slot)
            {
                slot.RefreshError = outcome.Reason;
                if (outcome.Tokens is { } tokens)
                {
                    slot.Tokens = tokens;
                }
            }

            return outcome;
        }
        finally
        {
            lock (slot)
            {
                slot.Refreshing = null;
            }
        }
    }

    private async Task<RefreshOutcome> RefreshOnceAsync(AccountEntry account, Slot slot)
    {
        var provider = providers.Find(account.Record.OAuthProvider);
        if (provider is null)
        {
            Log.ProviderMissing(logger, account.Id, account.Record.OAuthProvider ?? "");
            return RefreshOutcome.CannotRefresh($"OAuth provider '{account.Record.OAuthProvider}' is not configured (Relay:OAuthProviders); the token cannot be refreshed");
        }

        var current = slot.Tokens;
        if (current.RefreshToken is not { } refreshToken)
        {
            return RefreshOutcome.CannotRefresh("the access token cannot be refreshed (no refresh token); sign in again when it expires");
        }

        if (upstream.InvokerFor(account) is not { } invoker)
        {
            return RefreshOutcome.Unavailable("proxy unusable (the stored proxy URL cannot be read)");
        }

        using var timeout = new CancellationTokenSource(RefreshTimeout);
        var answer = await OAuthTokenClient.RefreshAsync(invoker, provider, refreshToken, timeout.Token).ConfigureAwait(false);
        switch (answer.Answer)
        {
            case TokenAnswer.Issued:
                var now = time.GetUtcNow();
                var refreshed = new OAuthTokenSet
                {
                    AccessToken = answer.AccessToken!,
                    RefreshToken = answer.RefreshToken ?? refreshToken,
                    ExpiresAt = answer.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : null,
                    TokenType = answer.TokenType ?? current.TokenType,
                    Scope = answer.Scope ?? current.Scope,
                    IssuedAt = now,
                    LastRefreshAt = now,
                    AccountId = answer.Identity?.AccountId ?? current.AccountId,
                    Email = answer.Identity?.Email ?? current.Email,
                    Plan = answer.Identity?.Plan ?? current.Plan,
                };
                await StoreAsync(account.Id, refreshed).ConfigureAwait(false);
                Log.Refreshed(logger, account.Id, provider.Id, answer.RefreshToken is not null);
                return RefreshOutcome.Refreshed(refreshed);
            case TokenAnswer.Rejected:
                var reason = answer.Error == "invalid_grant"
                    ? InvalidGrantReason
                    : $"sign-in expired: the token endpoint refused the refresh ({answer.Error}); sign in again";
                Log.RefreshRejected(logger, account.Id, provider.Id, answer.Error ?? "");
                return RefreshOutcome.Rejected(reason);
            default:
                Log.RefreshUnavailable(logger, account.Id, provider.Id, answer.Error ?? "");
                return RefreshOutcome.Unavailable($"token refresh failed: {answer.Error}");
        }
    }

    /// <summary>
    /// Writes the new set through. The provider may already have revoked the old refresh token, so a failed write is
    /// logged loudly but the live set is still used: it is the only one that works now.
    /// </summary>
    private async Task StoreAsync(string accountId, OAuthTokenSet tokens)
    {
        try
        {
            await store.UpdateAccountTokensAsync(accountId, protector.Protect(tokens.ToJson())).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            Log.StoreFailed(logger, accountId, ex.GetType().Name);
        }
    }

    private sealed class Slot(OAuthTokenSet tokens)
    {
        public OAuthTokenSet Tokens = tokens;
        public Task<RefreshOutcome>? Refreshing;
        public string? RefreshError;
    }

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Information, "Account {AccountId}: tokens refreshed at provider {Provider} (refresh token rotated: {Rotated})")]
        public static partial void Refreshed(ILogger logger, string accountId, string provider, bool rotated);

        [LoggerMessage(7002, LogLevel.Warning, "Account {AccountId}: provider {Provider} refused the refresh ({Error}); the account needs a new sign-in")]
        public static partial void RefreshRejected(ILogger logger, string accountId, string provider, string error);

        [LoggerMessage(7003, LogLevel.Warning, "Account {AccountId}: token refresh at provider {Provider} failed ({Reason}); tried again on next need")]
        public static partial void RefreshUnavailable(ILogger logger, string accountId, string provider, string reason);

        [LoggerMessage(7004, LogLevel.Error, "Account {AccountId}: OAuth provider {Provider} is not configured")]
        public static partial void ProviderMissing(ILogger logger, string accountId, string provider);

        [LoggerMessage(7005, LogLevel.Error, "Account {AccountId}: refreshed tokens could not be stored ({Error}); they are used until restart")]
        public static partial void StoreFailed(ILogger logger, string accountId, string error);
    }
}
