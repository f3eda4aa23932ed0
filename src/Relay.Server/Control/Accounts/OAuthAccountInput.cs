using Relay.Core.Accounts;
using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary><c>{"provider":"id"}</c>: which configured OAuth provider issued an <c>oauth</c> account's tokens.</summary>
internal sealed record OAuthInput
{
    public string? Provider { get; init; }
}

/// <summary>
/// A token set an operator imports (write-only): <c>accessToken</c> required; <c>refreshToken</c> to let Relay renew it;
/// the access token's expiry as <c>expiresAt</c> or <c>expiresIn</c> (seconds from now), or neither when unknown.
/// </summary>
internal sealed record TokensInput
{
    public string? AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int? ExpiresIn { get; init; }
    public string? TokenType { get; init; }
    public string? Scope { get; init; }

    /// <summary>The provider's id of the signed-in account (sent on every request by providers that want it, e.g. ChatGPT's).</summary>
    public string? AccountId { get; init; }

    /// <summary>Who signed in and on which plan: labels for the operator, shown in the view.</summary>
    public string? Email { get; init; }

    public string? Plan { get; init; }
}

/// <summary>The rules that tie <c>type</c>, <c>oauth</c>, <c>tokens</c> and <c>secret</c> together.</summary>
internal static class OAuthAccountRules
{
    /// <summary>
    /// Checks the credential fields against the account's type (after the input was laid over the stored account);
    /// <paramref name="creating"/> makes the credential required. Errors never repeat a token.
    /// </summary>
    public static ControlError? Validate(AccountRecord candidate, AccountInput input, AccountRecord? existing, OAuthProviders providers)
    {
        if (existing is not null && existing.Type != candidate.Type)
        {
            return ControlError.Invalid("Field 'type' cannot be changed; add a new account of the other type instead.");
        }

        if (!candidate.IsOAuth)
        {
            if (input.OAuth is not null)
            {
                return ControlError.Invalid("Field 'oauth' applies to oauth accounts only (type \"oauth\").");
            }

            return input.Tokens is not null ? ControlError.Invalid("Field 'tokens' applies to oauth accounts only (type \"oauth\").") : null;
        }

        if (input.Secret is not null)
        {
            return ControlError.Invalid("Field 'secret' does not apply to oauth accounts; give 'tokens'.");
        }

        if (existing is null && string.IsNullOrWhiteSpace(input.OAuth?.Provider))
        {
            return ControlError.Invalid("Field 'oauth.provider' is required for oauth accounts.");
        }

        if (providers.Find(candidate.OAuthProvider) is null)
        {
            var known = string.Join(", ", providers.Ids);
            return ControlError.Invalid($"Field 'oauth.provider': no OAuth provider '{candidate.OAuthProvider}' is configured (Relay:OAuthProviders; configured: {(known.Length == 0 ? "none" : known)}).");
        }

        if (input.Tokens is not { } tokens)
        {
            return existing is null ? ControlError.Invalid("Field 'tokens' is required for oauth accounts: {\"accessToken\":…, \"refreshToken\":…}.") : null;
        }

        if (string.IsNullOrWhiteSpace(tokens.AccessToken))
        {
            return ControlError.Invalid("Field 'tokens.accessToken' is required.");
        }

        if (tokens.RefreshToken is { } refresh && string.IsNullOrWhiteSpace(refresh))
        {
            return ControlError.Invalid("Field 'tokens.refreshToken' must not be empty (omit it when there is none).");
        }

        if (tokens.ExpiresAt is not null && tokens.ExpiresIn is not null)
        {
            return ControlError.Invalid("Field 'tokens.expiresIn': give either expiresAt or expiresIn, not both.");
        }

        return tokens.ExpiresIn is < 0 ? ControlError.Invalid("Field 'tokens.expiresIn' must be 0 or more seconds.") : null;
    }

    /// <summary>
    /// A new token account of a known provider is, unless the operator says otherwise, an account of that provider's
    /// platform, base URL and shapes — a ChatGPT sign-in's tokens only work on the Codex backend — so an import through
    /// <c>POST /api/accounts</c> lands where a sign-in would.
    /// </summary>
    public static AccountInput WithProviderDefaults(AccountInput input, OAuthProviders providers)
    {
        if (input.Type != AccountTypes.OAuth || providers.Find(input.OAuth?.Provider?.Trim()) is not { } provider)
        {
            return input;
        }

        return input with
        {
            Platform = input.Platform ?? provider.Platform,
            BaseUrl = input.BaseUrl ?? (input.Platform is null || input.Platform == provider.Platform ? provider.BaseUrl : null),
            Shapes = input.Shapes ?? (provider.Shapes.Count > 0 && (input.Platform is null || input.Platform == provider.Platform) ? provider.Shapes : null),
        };
    }

    /// <summary>The token set to store for validated input.</summary>
    public static OAuthTokenSet ToTokenSet(TokensInput tokens, DateTimeOffset now) => new()
    {
        AccessToken = tokens.AccessToken!.Trim(),
        RefreshToken = tokens.RefreshToken?.Trim(),
        ExpiresAt = tokens.ExpiresAt ?? (tokens.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : null),
        TokenType = tokens.TokenType,
        Scope = tokens.Scope,
        IssuedAt = now,
        AccountId = Label(tokens.AccountId),
        Email = Label(tokens.Email),
        Plan = Label(tokens.Plan),
    };

    private static string? Label(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
