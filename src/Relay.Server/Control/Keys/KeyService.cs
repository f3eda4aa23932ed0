using Relay.Core.Keys;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.Storage;

namespace Relay.Server.Control.Keys;

/// <summary>
/// Relay key operations shared by the Control API and the CLI verbs. Keys are stored only as a hash
/// and a display prefix; the clear key leaves this class once, in the create or rotate answer.
/// </summary>
internal sealed class KeyService(IConfigStore store, SnapshotManager snapshots, TimeProvider time, ILogger<KeyService> logger)
{
    public const int MaxNameLength = 100;

    public async Task<IReadOnlyList<KeyView>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListKeysAsync(cancellationToken).ConfigureAwait(false);
        return [.. keys.OrderBy(k => k.CreatedAt).Select(k => KeyView.From(k))];
    }

    public async Task<Outcome<KeyView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var key = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        return key is null ? NotFound(id) : KeyView.From(key);
    }

    public async Task<Outcome<KeyView>> CreateAsync(KeyInput input, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim();
        if (ValidateName(name) is { } invalid)
        {
            return invalid;
        }

        var clear = RelayKeyGenerator.NewKey();
        var now = time.GetUtcNow();
        var record = new RelayKeyRecord
        {
            Id = IdGenerator.New("key"),
            Name = name!,
            Hash = RelayKeyGenerator.Hash(clear),
            Prefix = RelayKeyGenerator.DisplayPrefix(clear),
            Enabled = input.Enabled ?? true,
            ExpiresAt = input.ExpiresAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.InsertKeyAsync(record, cancellationToken).ConfigureAwait(false);
        ControlLog.KeyCreated(logger, record.Id, record.Prefix);
        return await RefreshAndViewAsync(record.Id, clear, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<KeyView>> UpdateAsync(string id, KeyInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var name = input.Name?.Trim() ?? existing.Name;
        if (ValidateName(name) is { } invalid)
        {
            return invalid;
        }

        var updated = existing with
        {
            Name = name,
            Enabled = input.Enabled ?? existing.Enabled,
            ExpiresAt = input.ExpiresAtGiven || input.ExpiresAt is not null ? input.ExpiresAt : existing.ExpiresAt,
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await store.UpdateKeyAsync(updated, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.KeyUpdated(logger, id);
        return await RefreshAndViewAsync(id, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the key's secret value; the old value stops authenticating with the forced snapshot rebuild.</summary>
    public async Task<Outcome<KeyView>> RotateAsync(string id, CancellationToken cancellationToken)
    {
        var existing = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var clear = RelayKeyGenerator.NewKey();
        var rotated = existing with
        {
            Hash = RelayKeyGenerator.Hash(clear),
            Prefix = RelayKeyGenerator.DisplayPrefix(clear),
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await store.UpdateKeyAsync(rotated, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.KeyRotated(logger, id, rotated.Prefix);
        return await RefreshAndViewAsync(id, clear, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlError?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!await store.DeleteKeyAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.KeyDeleted(logger, id);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static ControlError? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ControlError.Invalid("Field 'name' is required and must not be empty.");
        }

        return name.Length > MaxNameLength ? ControlError.Invalid($"Field 'name' must be at most {MaxNameLength} characters.") : null;
    }

    private async Task<Outcome<KeyView>> RefreshAndViewAsync(string id, string? clear, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        var stored = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? NotFound(id) : KeyView.From(stored, clear);
    }

    private static ControlError NotFound(string id) => ControlError.NotFound($"No key with id '{id}'.");
}
