using Relay.Core.Accounts;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;

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
    ILogger<AccountService> logger)
{
    public async Task<IReadOnlyList<AccountView>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow();
        return [.. accounts.OrderBy(a => a.Priority).ThenBy(a => a.CreatedAt).Select(a => AccountView.From(a, snapshot, hotState, now))];
    }

    public async Task<Outcome<AccountView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var account = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        return account is null ? NotFound(id) : View(account);
    }

    public async Task<Outcome<AccountView>> CreateAsync(AccountInput input, CancellationToken cancellationToken)
    {
        var candidate = Apply(input, new AccountRecord { Id = "", Name = "", SecretCiphertext = [] });
        if ((AccountValidator.Validate(candidate) ?? AccountValidator.ValidateSecret(input.Secret, required: true)) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var account = candidate with
        {
            Id = IdGenerator.New("acc"),
            SecretCiphertext = protector.Protect(input.Secret!),
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

        var candidate = Apply(input, existing);
        if ((AccountValidator.Validate(candidate) ?? AccountValidator.ValidateSecret(input.Secret, required: false)) is { } invalid)
        {
            return invalid;
        }

        var account = candidate with
        {
            SecretCiphertext = input.Secret is null ? existing.SecretCiphertext : protector.Protect(input.Secret),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await store.UpdateAccountAsync(account, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.AccountUpdated(logger, id, input.Secret is not null);
        return await RefreshAndViewAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlError?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
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

    private static AccountRecord Apply(AccountInput input, AccountRecord baseline) => baseline with
    {
        Name = input.Name?.Trim() ?? baseline.Name,
        Platform = input.Platform ?? baseline.Platform,
        Type = input.Type ?? baseline.Type,
        BaseUrl = input.BaseUrl?.Trim() ?? baseline.BaseUrl,
        Priority = input.Priority ?? baseline.Priority,
        Weight = input.Weight ?? baseline.Weight,
        MaxConcurrency = input.MaxConcurrency ?? baseline.MaxConcurrency,
        Models = input.Models is { } models ? [.. models] : baseline.Models,
        ModelMap = input.ModelMap is { } map ? new Dictionary<string, string>(map, StringComparer.Ordinal) : baseline.ModelMap,
        Enabled = input.Enabled ?? baseline.Enabled,
    };

    private async Task<Outcome<AccountView>> RefreshAndViewAsync(string id, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);

        // Read back rather than echo what was written, so the view shows what the store kept (e.g. timestamp precision).
        var stored = await store.GetAccountAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? NotFound(id) : View(stored);
    }

    private AccountView View(AccountRecord account) => AccountView.From(account, snapshots.Current, hotState, time.GetUtcNow());

    private static ControlError NotFound(string id) => ControlError.NotFound($"No account with id '{id}'.");
}
