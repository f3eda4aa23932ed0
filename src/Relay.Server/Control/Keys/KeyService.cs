using Relay.Core.Admission;
using Relay.Core.Keys;
using Relay.Core.Limits;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Server.Control.Limits;
using Relay.Server.Control.Policies;

namespace Relay.Server.Control.Keys;

/// <summary>
/// Relay key operations shared by the Control API and the CLI verbs. Keys are stored only as a hash
/// and a display prefix; the clear key leaves this class once, in the create or rotate answer.
/// </summary>
internal sealed class KeyService(IConfigStore store, SnapshotManager snapshots, PolicyChecks checks, IHotState hotState, TimeProvider time, ILogger<KeyService> logger)
{
    public async Task<IReadOnlyList<KeyView>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListKeysAsync(cancellationToken).ConfigureAwait(false);
        return [.. keys.OrderBy(k => k.CreatedAt).Select(k => WithLimitStatus(KeyView.From(k)))];
    }

    public async Task<Outcome<KeyView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var key = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        return key is null ? NotFound(id) : WithLimitStatus(KeyView.From(key));
    }

    /// <summary>Adds where the key's limits stand, from the snapshot's view of the key (shared policy included).</summary>
    private KeyView WithLimitStatus(KeyView view)
    {
        var snapshot = snapshots.Current;
        return snapshot.KeysById.TryGetValue(view.Id, out var entry) && entry.Limits.Count > 0
            ? view with { LimitStatus = LimitStatus.ForKey(hotState, snapshot, entry, time.GetUtcNow()) }
            : view;
    }

    public async Task<Outcome<KeyView>> CreateAsync(KeyInput input, CancellationToken cancellationToken)
    {
        var clear = RelayKeyGenerator.NewKey();
        var now = time.GetUtcNow();
        var baseline = new RelayKeyRecord
        {
            Id = IdGenerator.New("key"),
            Name = "",
            Hash = RelayKeyGenerator.Hash(clear),
            Prefix = RelayKeyGenerator.DisplayPrefix(clear),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var record = await ApplyAsync(input, baseline, cancellationToken).ConfigureAwait(false);
        if (record.Error is { } invalid)
        {
            return invalid;
        }

        await store.InsertKeyAsync(record.Value!, cancellationToken).ConfigureAwait(false);
        ControlLog.KeyCreated(logger, baseline.Id, baseline.Prefix);
        return await RefreshAndViewAsync(baseline.Id, clear, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<KeyView>> UpdateAsync(string id, KeyInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var updated = await ApplyAsync(input, existing with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (updated.Error is { } invalid)
        {
            return invalid;
        }

        if (!await store.UpdateKeyAsync(updated.Value!, cancellationToken).ConfigureAwait(false))
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

    /// <summary>
    /// Lays the given fields over <paramref name="baseline"/> (a fresh key on create, the stored one on update) and
    /// checks the result, so a PATCH cannot produce what a POST refuses.
    /// </summary>
    private async Task<Outcome<RelayKeyRecord>> ApplyAsync(KeyInput input, RelayKeyRecord baseline, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim() ?? baseline.Name;
        if (Names.Validate(name) is { } invalidName)
        {
            return invalidName;
        }

        var expiresGiven = input.ExpiresGiven || input.Expires is not null;
        if (expiresGiven && (input.ExpiresAtGiven || input.ExpiresAt is not null))
        {
            return ControlError.Invalid("Give 'expires' or its older spelling 'expiresAt', not both.");
        }

        var (at, afterFirstUse) = (baseline.ExpiresAt, baseline.ExpiresAfterFirstUse);
        if (expiresGiven)
        {
            at = input.Expires?.At;
            afterFirstUse = null;
            if (input.Expires?.AfterFirstUse is { } text)
            {
                if (!DurationText.TryParse(text, out var span, out var durationError))
                {
                    return ControlError.Invalid($"Field 'expires.afterFirstUse': {durationError}.");
                }

                afterFirstUse = span;
            }
        }
        else if (input.ExpiresAtGiven || input.ExpiresAt is not null)
        {
            at = input.ExpiresAt;
        }

        if (input.Policy is not null && input.PolicyId is not null)
        {
            return BothPolicies();
        }

        var policy = baseline.Policy;
        if (input.PolicyGiven || input.Policy is not null)
        {
            policy = null;
            if (input.Policy is { } spec)
            {
                var checkedPolicy = await checks.ToPolicyAsync(spec, "policy", cancellationToken).ConfigureAwait(false);
                if (checkedPolicy.Error is { } policyError)
                {
                    return policyError;
                }

                policy = checkedPolicy.Value;
            }
        }

        var policyId = baseline.PolicyId;
        if (input.PolicyIdGiven || input.PolicyId is not null)
        {
            policyId = input.PolicyId?.Trim();
            if (policyId is not null && (policyId.Length == 0 || await store.GetPolicyAsync(policyId, cancellationToken).ConfigureAwait(false) is null))
            {
                return ControlError.Invalid($"Field 'policyId': no policy with id '{policyId}'.");
            }
        }

        if (policy is not null && policyId is not null)
        {
            return BothPolicies();
        }

        var limits = baseline.Limits;
        if (input.Limits is { } limitInputs)
        {
            var rules = LimitRules.ForKey(limitInputs);
            if (rules.Error is { } limitsError)
            {
                return limitsError;
            }

            limits = rules.Value!;
        }

        return baseline with
        {
            Name = name,
            Enabled = input.Enabled ?? baseline.Enabled,
            ExpiresAt = at,
            ExpiresAfterFirstUse = afterFirstUse,
            Policy = policy,
            PolicyId = policyId,
            Limits = limits,
        };
    }

    private static ControlError BothPolicies() => ControlError.Invalid(
        "A key has either its own 'policy' or a shared 'policyId', not both; send null for the one to drop.");

    private async Task<Outcome<KeyView>> RefreshAndViewAsync(string id, string? clear, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        var stored = await store.GetKeyAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? NotFound(id) : KeyView.From(stored, clear);
    }

    private static ControlError NotFound(string id) => ControlError.NotFound($"No key with id '{id}'.");
}
