using Microsoft.Extensions.Logging;
using Relay.Core.Accounts;
using Relay.Core.Pricing;
using Relay.Core.Policies;
using Relay.Core.Security;
using Relay.Core.Settings;
using Relay.Core.Storage;

namespace Relay.Core.Snapshots;

/// <summary>
/// Builds <see cref="RelaySnapshot"/>s from the config store and swaps them in atomically.
/// Rebuilds are serialised; a rebuild is skipped when the store's version has not moved.
/// </summary>
public sealed partial class SnapshotManager(
    IConfigStore store,
    SecretProtector protector,
    ILogger<SnapshotManager> logger,
    IEnumerable<ISnapshotPreparer>? preparers = null,
    ForwardingSettings? forwardingDefaults = null)
    : ISnapshotSource
{
    private readonly ISnapshotPreparer[] _preparers = [.. preparers ?? []];

    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private RelaySnapshot _current = RelaySnapshot.Empty;
    private bool _loaded;

    public RelaySnapshot Current => Volatile.Read(ref _current);

    /// <summary>Rebuilds if the store changed since the current snapshot (or always, with <paramref name="force"/>).</summary>
    public async Task RefreshAsync(bool force = false, CancellationToken cancellationToken = default)
    {
        await _rebuild.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Read the version first: a change that lands while we load bumps it again and the next refresh catches it.
            var version = await store.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (_loaded && !force && version == Current.Version)
            {
                return;
            }

            var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
            var keys = await store.ListKeysAsync(cancellationToken).ConfigureAwait(false);
            var overrides = await store.ListPriceOverridesAsync(cancellationToken).ConfigureAwait(false);
            var groups = await store.ListGroupsAsync(cancellationToken).ConfigureAwait(false);
            var policies = (await store.ListPoliciesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Id, StringComparer.Ordinal);
            var settings = RelaySettingsJson.Parse(await store.GetSettingAsync(RelaySettings.StorageName, cancellationToken).ConfigureAwait(false));

            var accountEntries = accounts.Select(Entry);

            var snapshot = new RelaySnapshot(
                version,
                accountEntries,
                keys.Select(k => new KeyEntry(k, k.PolicyId is { } id ? policies.GetValueOrDefault(id) : null)),
                PriceBook.Shipped.WithOverrides(overrides),
                groups,
                settings,
                forwardingDefaults);

            // E.g. seeding limit counters for new rules from the usage store: done before the snapshot that
            // carries the rules goes live, so no request is admitted against an unseeded counter.
            foreach (var preparer in _preparers)
            {
                await preparer.PrepareAsync(snapshot, cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _current, snapshot);
            _loaded = true;
            Log.Rebuilt(logger, version, snapshot.Accounts.Count, snapshot.KeysByHash.Count);
        }
        finally
        {
            _rebuild.Release();
        }
    }

    /// <summary>
    /// Decrypts the secret and the proxy URL. An account whose proxy cannot be read is unusable rather than direct:
    /// its traffic must go through its proxy or nowhere.
    /// </summary>
    private AccountEntry Entry(AccountRecord record)
    {
        string? secret = null;
        OAuthTokenSet? tokens = null;
        try
        {
            if (record.IsOAuth)
            {
                tokens = record.TokensCiphertext is { } ciphertext ? OAuthTokenSet.Parse(protector.Unprotect(ciphertext)) : null;
                if (tokens is null)
                {
                    return new AccountEntry(record, null, "The account has no stored tokens; import them again.");
                }
            }
            else
            {
                secret = protector.Unprotect(record.SecretCiphertext);
            }
        }
        catch (Exception ex) when (ex is SecretDecryptionException or FormatException)
        {
            Log.SecretUnreadable(logger, record.Id);
            return new AccountEntry(record, null, record.IsOAuth
                ? "The stored tokens cannot be decrypted with this master key; import them again."
                : "The stored secret cannot be decrypted with this master key.");
        }

        if (record.ProxyCiphertext is not { } proxyCiphertext)
        {
            return new AccountEntry(record, secret, null, tokens: tokens);
        }

        try
        {
            if (OutboundProxy.TryParse(protector.Unprotect(proxyCiphertext), out var proxy, out _))
            {
                return new AccountEntry(record, secret, null, proxy, tokens);
            }

            Log.ProxyUnreadable(logger, record.Id);
            return new AccountEntry(record, secret, "The stored proxy URL is not valid; set the account's proxy again.", tokens: tokens);
        }
        catch (SecretDecryptionException)
        {
            Log.ProxyUnreadable(logger, record.Id);
            return new AccountEntry(record, secret, "The stored proxy URL cannot be decrypted with this master key.", tokens: tokens);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1001, LogLevel.Debug, "Configuration snapshot {Version} built: {Accounts} accounts, {Keys} keys")]
        public static partial void Rebuilt(ILogger logger, long version, int accounts, int keys);

        [LoggerMessage(1002, LogLevel.Error, "Account {AccountId}: stored secret cannot be decrypted with the current master key; the account is unusable until its secret is set again")]
        public static partial void SecretUnreadable(ILogger logger, string accountId);

        [LoggerMessage(1003, LogLevel.Error, "Account {AccountId}: stored proxy URL cannot be read with the current master key; the account is unusable until its proxy is set again")]
        public static partial void ProxyUnreadable(ILogger logger, string accountId);
    }
}
