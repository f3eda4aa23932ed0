using System.Collections.Frozen;
using Relay.Server.OAuth;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// Everything a sign-in provider requires of its accounts' requests, built once per provider and found by the
/// account's provider id with one lookup per attempt: the headers (<see cref="ProviderRequestHeaders"/>) and, for
/// Responses requests, the body rules (<see cref="ResponsesBodyRules"/>). API-key accounts never look.
/// </summary>
internal sealed class SignInRequestRules(ProviderRequestHeaders? headers, ResponsesBodyRules? responsesBody)
{
    public ProviderRequestHeaders? Headers { get; } = headers;

    /// <summary>Applies to requests sent in the Responses shape only.</summary>
    public ResponsesBodyRules? ResponsesBody { get; } = responsesBody;

    /// <summary>The rules of every provider that requires anything, by provider id (case-insensitive).</summary>
    public static FrozenDictionary<string, SignInRequestRules> ByProvider(OAuthProviders providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return providers.All
            .Select(p => KeyValuePair.Create(p.Id, new SignInRequestRules(ProviderRequestHeaders.For(p), ResponsesBodyRules.For(p))))
            .Where(p => p.Value.Headers is not null || p.Value.ResponsesBody is not null)
            .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
