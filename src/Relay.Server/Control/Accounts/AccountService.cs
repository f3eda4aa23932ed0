using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Server.Control.Limits;
using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// Account operations shared by the Control API and the CLI verbs. Every mutation writes the store
/// and then forces a snapshot rebuild, so the next inference request already sees the change.
/// </summary>
internal sealed class AccountService(
    IConfigStore store,
    SnapshotManager snapshots,
    IHotState hotState,
    SecretProtector protector,
    TimeProvider time,
    OAuthProviders providers,
    ILogger<AccountService> logger,
    OAuthTokens? liveTokens = null)
{
    public async Task<IReadOnlyList<AccountView>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow();
        return [.. accounts.OrderBy(a => a.Priority).ThenBy(a => a.CreatedAt).Select(a => AccountView.From(a, ProxyView.Read(a, protector), OAuthView.Read(a, protector, liveTokens), snapshot, hotState, now))];
    }

    public async Task<Outcome<AccountView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var account = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        return account is null ? NotFound(id) : View(account);
    }

    /// <summary>
    /// The checks of <see cref="CreateAsync"/> (or of <see cref="UpdateAsync"/> of <paramref name="existingId"/>) on the
    /// account's fields alone, before there is a credential: a sign-in runs them at its start so that a mistake shows
    /// before the operator signs in. Returns the account as it would be stored (the existing one with the changes).
    /// </summary>
    public async Task<Outcome<AccountRecord>> CheckAsync(AccountInput input, string? existingId, CancellationToken cancellationToken)
    {
        if (existingId is null)
        {
            input = OAuthAccountRules.WithProviderDefaults(input, providers);
        }

        var baseline = new AccountRecord { Id = "", Name = "", SecretCiphertext = [] };
        if (existingId is not null)
        {
            if (await store.GetAccountAsync(existingId, cancellationToken).ConfigureAwait(false) is not { } existing)
            {
                return NotFound(existingId);
            }

            baseline = existing;
        }

        var applied = await ApplyAsync(input, baseline, cancellationToken).ConfigureAwait(false);
        if (applied.Error is { } appliedError)
        {
            return appliedError;
        }

        return (AccountValidator.Validate(applied.Value!) ?? AccountValidator.ValidateProxy(input.Proxy, out _)) is { } invalid ? invalid : applied.Value!;
    }

    public async Task<Outcome<AccountView>> CreateAsync(AccountInput input, CancellationToken cancellationToken)
    {
        input = OAuthAccountRules.WithProviderDefaults(input, providers);
        var applied = await ApplyAsync(input, new AccountRecord { Id = "", Name = "", SecretCiphertext = [] }, cancellationToken).ConfigureAwait(false);
        if (applied.Error is { } appliedError)
        {
            return appliedError;
        }

        var candidate = applied.Value!;
        var proxyError = AccountValidator.ValidateProxy(input.Proxy, out var proxy);
        if ((AccountValidator.Validate(candidate)
                ?? OAuthAccountRules.Validate(candidate, input, null, providers)
                ?? (candidate.IsOAuth ? null : AccountValidator.ValidateSecret(input.Secret, required: true))
                ?? proxyError) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var account = candidate with
        {
            Id = IdGenerator.New("acc"),

            // An oauth account's credential is its token set; the secret column stays empty.
            SecretCiphertext = candidate.IsOAuth ? [] : protector.Protect(input.Secret!),
            TokensCiphertext = candidate.IsOAuth ? protector.Protect(OAuthAccountRules.ToTokenSet(input.Tokens!, now).ToJson()) : null,
            ProxyCiphertext = proxy is null ? null : protector.Protect(proxy.Url),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.InsertAccountAsync(account, cancellationToken).ConfigureAwait(false);
        ControlLog.AccountCreated(logger, account.Id, account.Platform);
        return await RefreshAndViewAsync(account.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<AccountView>> UpdateAsync(string id, AccountInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var applied = await ApplyAsync(input, existing, cancellationToken).ConfigureAwait(false);
        if (applied.Error is { } appliedError)
        {
            return appliedError;
        }

        var candidate = applied.Value!;
        var proxyError = AccountValidator.ValidateProxy(input.Proxy, out var proxy);
        if ((AccountValidator.Validate(candidate)
                ?? OAuthAccountRules.Validate(candidate, input, existing, providers)
                ?? AccountValidator.ValidateSecret(input.Secret, required: false)
                ?? proxyError) is { } invalid)
        {
            return invalid;
        }

        // A proxy given replaces the stored one; "" or an explicit null removes it; absent keeps it.
        var proxyChanged = input.Proxy is not null || input.ProxyGiven;
        var now = time.GetUtcNow();
        var account = candidate with
        {
            SecretCiphertext = input.Secret is null ? existing.SecretCiphertext : protector.Protect(input.Secret),
            TokensCiphertext = input.Tokens is { } tokens ? protector.Protect(OAuthAccountRules.ToTokenSet(tokens, now).ToJson()) : existing.TokensCiphertext,
            ProxyCiphertext = !proxyChanged ? existing.ProxyCiphertext : proxy is null ? null : protector.Protect(proxy.Url),
            UpdatedAt = now,
        };
        if (!await store.UpdateAccountAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        if (input.Tokens is not null)
        {
            // New tokens are a new credential: a rejection of the old ones no longer applies. The live state takes the
            // imported set when the snapshot brings it (it is newer than anything refreshed before).
            hotState.Reset(id);
            if (liveTokens is null)
            {
                // No live state in this process (a CLI verb): the running server applies the reset within a poll interval.
                await AccountResetRequests.RequestAsync(store, id, now, cancellationToken).ConfigureAwait(false);
            }
        }

        ControlLog.AccountUpdated(logger, id, input.Secret is not null || input.Tokens is not null);
        return await RefreshAndViewAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlError?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        // A key dedicated to the account would be left pointing at nothing and refused on every request.
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var keys = bindings.KeysOfAccount(id);
        var policies = bindings.PoliciesOfAccount(id);
        if (keys.Count > 0 || policies.Count > 0)
        {
            return ControlError.Conflict($"Account {id} is still dedicated to {Bindings.Describe(keys, policies)} (policy.account); change them before deleting it.");
        }

        if (!await store.DeleteAccountAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.AccountDeleted(logger, id);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);

        // Forget cooldowns too, so an account re-created later under a recycled id starts clean.
        hotState.Reset(id);
        return null;
    }

    /// <summary>Clears errors and cooldowns this process holds for the account.</summary>
    public async Task<Outcome<AccountView>> ResetAsync(string id, CancellationToken cancellationToken)
    {
        var account = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            return NotFound(id);
        }

        hotState.Reset(id);
        ControlLog.AccountReset(logger, id);
        return View(account);
    }

    /// <summary>The fields that need the store (groups) or may fail to convert (limits), then the plain ones.</summary>
    private async Task<Outcome<AccountRecord>> ApplyAsync(AccountInput input, AccountRecord baseline, CancellationToken cancellationToken)
    {
        var groups = baseline.Groups;
        if (input.Groups is { } groupIds)
        {
            var known = (await store.ListGroupsAsync(cancellationToken).ConfigureAwait(false)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
            var list = new List<string>(groupIds.Count);
            for (var i = 0; i < groupIds.Count; i++)
            {
                var groupId = groupIds[i]?.Trim();
                if (string.IsNullOrEmpty(groupId) || !known.Contains(groupId))
                {
                    return ControlError.Invalid($"Field 'groups[{i}]': no group with id '{groupId}'.");
                }

                if (!list.Contains(groupId, StringComparer.Ordinal))
                {
                    list.Add(groupId);
                }
            }

            groups = list;
        }

        var limits = baseline.Limits;
        if (input.Limits is { } limitInputs)
        {
            var rules = LimitRules.ForAccount(limitInputs);
            if (rules.Error is { } limitsError)
            {
                return limitsError;
            }

            limits = rules.Value!;
        }

        return Apply(input, baseline) with { Groups = groups, Limits = limits };
    }

    private static AccountRecord Apply(AccountInput input, AccountRecord baseline) => baseline with
    {
        Name = input.Name?.Trim() ?? baseline.Name,
        Platform = input.Platform?.Trim().ToLowerInvariant() ?? baseline.Platform,
        Type = input.Type ?? baseline.Type,
        OAuthProvider = input.OAuth?.Provider?.Trim() ?? baseline.OAuthProvider,

        // A new account without a base URL gets its platform's; an existing one keeps what it has.
        BaseUrl = input.BaseUrl?.Trim() ?? (baseline.Id.Length == 0 ? DefaultBaseUrls.For(input.Platform?.Trim().ToLowerInvariant() ?? baseline.Platform) : baseline.BaseUrl),
        Shapes = input.Shapes is { } shapes ? [.. shapes.Select(x => x?.Trim().ToLowerInvariant() ?? "").Distinct()] : baseline.Shapes,
        AzureApiVersion = input.Azure is { } azure ? azure.ApiVersion?.Trim() ?? "" : input.AzureGiven ? null : baseline.AzureApiVersion,
        Priority = input.Priority ?? baseline.Priority,
        Weight = input.Weight ?? baseline.Weight,
        MaxConcurrency = input.MaxConcurrency ?? baseline.MaxConcurrency,
        Models = input.Models is { } models ? [.. models] : baseline.Models,
        ModelMap = input.ModelMap is { } map ? new Dictionary<string, string>(map, StringComparer.Ordinal) : baseline.ModelMap,
        Shared = input.Shared ?? baseline.Shared,
        Enabled = input.Enabled ?? baseline.Enabled,
    };

    private async Task<Outcome<AccountView>> RefreshAndViewAsync(string id, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);

        // Read back rather than echo what was written, so the view shows what the store kept (e.g. timestamp precision).
        var stored = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? NotFound(id) : View(stored);
    }

    private AccountView View(AccountRecord account) =>
        AccountView.From(account, ProxyView.Read(account, protector), OAuthView.Read(account, protector, liveTokens), snapshots.Current, hotState, time.GetUtcNow());

    private static ControlError NotFound(string id) => ControlError.NotFound($"No account with id '{id}'.");
}
