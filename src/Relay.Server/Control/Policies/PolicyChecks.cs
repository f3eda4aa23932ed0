using Relay.Core.Accounts;
using Relay.Core.Policies;
using Relay.Core.Settings;
using Relay.Core.Storage;

namespace Relay.Server.Control.Policies;

/// <summary>
/// Turns a policy's text shape into a <see cref="KeyPolicy"/> and checks what the shape check cannot:
/// that platforms are known, that the group and account exist, and that client families are built in or
/// defined in the live settings. Shared by policies and keys (a key's own policy has the same rules).
/// </summary>
internal sealed class PolicyChecks(IConfigStore store)
{
    public static readonly IReadOnlyList<string> BuiltInClientFamilies = [ClientFamilies.ClaudeCode, ClientFamilies.CodexCli, ClientFamilies.GeminiCli];

    public async Task<Outcome<KeyPolicy>> ToPolicyAsync(KeyPolicySpec spec, string field, CancellationToken cancellationToken)
    {
        if (!spec.TryToPolicy(field, out var policy, out var error))
        {
            return ControlError.Invalid($"Field {error}.");
        }

        for (var i = 0; i < policy.Platforms.Count; i++)
        {
            if (!Platforms.IsKnown(policy.Platforms[i]))
            {
                return ControlError.Invalid($"Field '{field}.platforms[{i}]': unknown platform '{policy.Platforms[i]}' (known: {string.Join(", ", Platforms.All)}).");
            }
        }

        if (policy.Group is { } group && await store.GetGroupAsync(group, cancellationToken).ConfigureAwait(false) is null)
        {
            return ControlError.Invalid($"Field '{field}.group': no group with id '{group}'.");
        }

        if (policy.Account is { } account && await store.GetAccountAsync(account, cancellationToken).ConfigureAwait(false) is null)
        {
            return ControlError.Invalid($"Field '{field}.account': no account with id '{account}'.");
        }

        if (policy.Clients.Count > 0)
        {
            var known = await KnownClientFamiliesAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < policy.Clients.Count; i++)
            {
                if (!known.Contains(policy.Clients[i]))
                {
                    return ControlError.Invalid(
                        $"Field '{field}.clients[{i}]': unknown client family '{policy.Clients[i]}'. Known: {string.Join(", ", known.Order(StringComparer.Ordinal))} " +
                        "(add more with clientPatterns in /api/settings).");
                }
            }
        }

        return policy;
    }

    public async Task<IReadOnlySet<string>> KnownClientFamiliesAsync(CancellationToken cancellationToken)
    {
        var settings = RelaySettingsJson.Parse(await store.GetSettingAsync(RelaySettings.StorageName, cancellationToken).ConfigureAwait(false));
        return KnownClientFamilies(settings);
    }

    public static IReadOnlySet<string> KnownClientFamilies(RelaySettings settings) =>
        new HashSet<string>(BuiltInClientFamilies.Concat(settings.ClientPatterns.Select(p => p.Family)), StringComparer.OrdinalIgnoreCase);
}
