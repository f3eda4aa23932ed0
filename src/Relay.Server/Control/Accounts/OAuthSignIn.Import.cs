using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>Imports of the credential files the providers' own CLIs write.</summary>
internal sealed partial class OAuthSignIn
{
    public async Task<Outcome<SignInResult>> ImportAsync(string providerId, CredentialImportInput input, CancellationToken cancellationToken)
    {
        if (providers.Find(providerId) is not { } provider)
        {
            return UnknownProvider(providerId);
        }

        var formats = CredentialImport.FormatsOf(provider);
        if (formats.Count == 0)
        {
            return ControlError.Invalid($"Provider '{provider.Id}' has no import format; use its sign-in, or POST /api/accounts with 'tokens'.");
        }

        var (credentials, error) = CredentialImport.Read(input.Credentials);
        if (error is not null)
        {
            return ControlError.Invalid(error);
        }

        if (!formats.Contains(credentials!.Format))
        {
            return ControlError.Invalid($"These credentials are {CredentialImport.Describe([credentials.Format])}, which does not belong to provider '{provider.Id}': expected {CredentialImport.Describe(formats)}.");
        }

        var target = await TargetAsync(provider, input.AccountId, input.Account, cancellationToken).ConfigureAwait(false);
        if (target.Error is { } targetError)
        {
            return targetError;
        }

        var tokens = new TokensInput
        {
            AccessToken = credentials.AccessToken,
            RefreshToken = credentials.RefreshToken,
            ExpiresAt = credentials.ExpiresAt,
            Scope = credentials.Scope,
            AccountId = credentials.AccountId,
            Email = credentials.Email,
            Plan = credentials.Plan,
        };
        var saved = await SaveAsync(target.Value!.AccountId, target.Value.Account, tokens, cancellationToken).ConfigureAwait(false);
        if (saved.Value?.Account is { } view)
        {
            Log.Imported(logger, provider.Id, credentials.Format, view.Id);
        }

        return saved;
    }
}
