using Relay.Core.Accounts;
using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>What a sign-in ends with and how it reaches the provider: the checked account fields, the session, the route.</summary>
internal sealed partial class OAuthSignIn
{
    /// <summary>The account a sign-in ends with: the checked fields, the account to replace the tokens of, the proxy to call through.</summary>
    private sealed record Target(AccountInput Account, string? AccountId, string? ProxyUrl);

    /// <summary>The account fields as <c>POST /api/accounts</c> (new) or <c>PATCH</c> (re-sign-in) would take them, checked now.</summary>
    private async Task<Outcome<Target>> TargetAsync(OAuthProvider provider, string? accountId, SignInAccountInput? fields, CancellationToken cancellationToken)
    {
        accountId = string.IsNullOrWhiteSpace(accountId) ? null : accountId.Trim();
        if (accountId is null && string.IsNullOrWhiteSpace(fields?.Name))
        {
            return ControlError.Invalid("Field 'account.name' is required (or give 'accountId' to sign an existing account in again).");
        }

        var input = new AccountInput
        {
            Name = fields?.Name,
            BaseUrl = fields?.BaseUrl,
            Priority = fields?.Priority,
            Weight = fields?.Weight,
            MaxConcurrency = fields?.MaxConcurrency,
            Models = fields?.Models,
            ModelMap = fields?.ModelMap,
            Groups = fields?.Groups,
            Shared = fields?.Shared,
            Limits = fields?.Limits,
            Enabled = fields?.Enabled,
            Proxy = fields?.Proxy,
            ProxyGiven = fields?.Proxy is not null,

            // A new account is the provider's kind (its platform, base URL and shapes follow from it in AccountService);
            // a re-sign-in keeps the account's as they are.
            Type = accountId is null ? AccountTypes.OAuth : null,
            OAuth = accountId is null ? new OAuthInput { Provider = provider.Id } : null,
        };
        var checkedAccount = await accounts.CheckAsync(input, accountId, cancellationToken).ConfigureAwait(false);
        if (checkedAccount.Error is { } error)
        {
            // The validator names top-level fields; here they sit under "account".
            return error.Type == ControlError.InvalidRequestType && error.Message.StartsWith("Field '", StringComparison.Ordinal)
                ? ControlError.Invalid("Field 'account." + error.Message["Field '".Length..])
                : error;
        }

        if (accountId is not null && (!checkedAccount.Value!.IsOAuth || !string.Equals(checkedAccount.Value.OAuthProvider, provider.Id, StringComparison.OrdinalIgnoreCase)))
        {
            return ControlError.Invalid($"Field 'accountId': account {accountId} is not an oauth account of provider '{provider.Id}'; leave accountId out to add a new account.");
        }

        return new Target(input, accountId, fields?.Proxy);
    }

    private Outcome<(OAuthProvider Provider, SignInSession Session)> FindSession(string providerId, string? sessionId)
    {
        if (providers.Find(providerId) is not { } provider)
        {
            return UnknownProvider(providerId);
        }

        if (string.IsNullOrWhiteSpace(sessionId))
        {
            return ControlError.Invalid("Field 'sessionId' is required.");
        }

        return sessions.Find(sessionId.Trim(), provider.Id) is { } session ? (provider, session) : SessionNotFound();
    }

    /// <summary>
    /// The route to the provider: the proxy given for the sign-in ("" = direct), else the existing account's own route,
    /// else direct. Null when the existing account's stored proxy cannot be read: it must not go out directly.
    /// </summary>
    private HttpMessageInvoker? InvokerFor(SignInSession session)
    {
        if (session.ProxyUrl is { } proxyUrl)
        {
            return proxyUrl.Length == 0 ? upstream.Invoker : OutboundProxy.TryParse(proxyUrl, out var proxy, out _) ? upstream.InvokerFor(proxy!) : null;
        }

        return session.AccountId is { } id && snapshots.Current.AccountsById.TryGetValue(id, out var entry) ? upstream.InvokerFor(entry) : upstream.Invoker;
    }
}
