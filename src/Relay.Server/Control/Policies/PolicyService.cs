using Relay.Core.Policies;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Policies;

/// <summary>
/// Shared policy operations for the Control API and the CLI verbs. A change applies to every key pointing at the
/// policy with the next snapshot; a policy is deleted only when no key points at it.
/// </summary>
internal sealed class PolicyService(IConfigStore store, SnapshotManager snapshots, PolicyChecks checks, TimeProvider time, ILogger<PolicyService> logger)
{
    public async Task<IReadOnlyList<PolicyView>> ListAsync(CancellationToken cancellationToken)
    {
        var policies = await store.ListPoliciesAsync(cancellationToken).ConfigureAwait(false);
        var bindings = await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        return [.. policies.Select(p => PolicyView.From(p, bindings))];
    }

    public async Task<Outcome<PolicyView>> GetAsync(string id, CancellationToken cancellationToken)
    {
        var policy = await store.GetPolicyAsync(id, cancellationToken).ConfigureAwait(false);
        return policy is null ? NotFound(id) : PolicyView.From(policy, await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false));
    }

    public async Task<Outcome<PolicyView>> CreateAsync(PolicyInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var baseline = new PolicyRecord { Id = IdGenerator.New("pol"), Name = "", CreatedAt = now, UpdatedAt = now };
        var candidate = await ApplyAsync(input, baseline, cancellationToken).ConfigureAwait(false);
        if (candidate.Error is { } invalid)
        {
            return invalid;
        }

        try
        {
            await store.InsertPolicyAsync(candidate.Value!, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateNameException ex)
        {
            return ControlError.Conflict(ex.Message);
        }

        ControlLog.PolicyCreated(logger, baseline.Id);
        return await RefreshAndViewAsync(baseline.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Outcome<PolicyView>> UpdateAsync(string id, PolicyInput input, CancellationToken cancellationToken)
    {
        var existing = await store.GetPolicyAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return NotFound(id);
        }

        var candidate = await ApplyAsync(input, existing with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (candidate.Error is { } invalid)
        {
            return invalid;
        }

        try
        {
            if (!await store.UpdatePolicyAsync(candidate.Value!, cancellationToken).ConfigureAwait(false))
            {
                return NotFound(id);
            }
        }
        catch (DuplicateNameException ex)
        {
            return ControlError.Conflict(ex.Message);
        }

        ControlLog.PolicyUpdated(logger, id);
        return await RefreshAndViewAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ControlError?> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var policy = await store.GetPolicyAsync(id, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return NotFound(id);
        }

        // A key whose policy vanished would lose its restrictions and limits without anyone deciding so.
        var keys = (await Bindings.LoadAsync(store, cancellationToken).ConfigureAwait(false)).KeysOfPolicy(id);
        if (keys.Count > 0)
        {
            return ControlError.Conflict(
                $"Policy '{policy.Name}' ({id}) is still used by {Bindings.Describe(keys, [])}; point them elsewhere before deleting it.");
        }

        if (!await store.DeletePolicyAsync(id, cancellationToken).ConfigureAwait(false))
        {
            return NotFound(id);
        }

        ControlLog.PolicyDeleted(logger, id);
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Lays the given fields over <paramref name="baseline"/> and checks the result (create and update alike).</summary>
    private async Task<Outcome<PolicyRecord>> ApplyAsync(PolicyInput input, PolicyRecord baseline, CancellationToken cancellationToken)
    {
        var name = input.Name?.Trim() ?? baseline.Name;
        if ((Names.Validate(name) ?? Names.ValidateDescription(input.Description)) is { } invalid)
        {
            return invalid;
        }

        var policy = baseline.Policy;
        if (input.Policy is { } spec)
        {
            var checkedPolicy = await checks.ToPolicyAsync(spec, "policy", cancellationToken).ConfigureAwait(false);
            if (checkedPolicy.Error is { } policyError)
            {
                return policyError;
            }

            policy = checkedPolicy.Value!;
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
            Description = input.DescriptionGiven || input.Description is not null ? Names.Description(input.Description) : baseline.Description,
            Policy = policy,
            Limits = limits,
        };
    }

    private async Task<Outcome<PolicyView>> RefreshAndViewAsync(string id, CancellationToken cancellationToken)
    {
        await snapshots.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private static ControlError NotFound(string id) => ControlError.NotFound($"No policy with id '{id}'.");
}
