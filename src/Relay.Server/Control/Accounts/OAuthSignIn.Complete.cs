using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>Finishing sign-ins: the pasted code (browser, setup token), the device polls, the exchange, the account.</summary>
internal sealed partial class OAuthSignIn
{
    public async Task<Outcome<SignInResult>> CompleteAsync(string providerId, SignInCompleteInput input, CancellationToken cancellationToken)
    {
        var found = FindSession(providerId, input.SessionId);
        if (found.Error is { } findError)
        {
            return findError;
        }

        var (provider, session) = found.Value;
        if (session.Method == SignInMethod.Device)
        {
            return ControlError.Invalid("This is a device sign-in: poll it (POST …/poll) until the operator has approved.");
        }

        if (PastedCode.Parse(input.Code) is not { } pasted)
        {
            return ControlError.Invalid("Field 'code' is required: the code the provider's page shows (CODE#STATE), the bare code, or the whole callback URL.");
        }

        if (pasted.Error is { } providerError)
        {
            return ControlError.Invalid($"The provider reported an error instead of a code ({providerError}); check the account's access and start the sign-in again.");
        }

        if (pasted.State is { } pastedState && !SameText(pastedState, session.State!))
        {
            return ControlError.Invalid("The pasted state does not match this sign-in session: paste the code shown for this session's authorize URL.");
        }

        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!sessions.IsOpen(session))
            {
                return SessionNotFound();
            }

            var grant = new List<KeyValuePair<string, object>>
            {
                new("grant_type", "authorization_code"),
                new("code", pasted.Code!),
                new("redirect_uri", session.RedirectUri!),
                new("code_verifier", session.Verifier!),
            };

            // Anthropic's JSON token endpoint wants the state back with the code; OpenAI's form endpoint takes only RFC 6749's fields.
            if (provider.TokenFormat == TokenRequestFormat.Json)
            {
                grant.Add(new("state", session.State!));
            }

            if (session.Method == SignInMethod.SetupToken && provider.SetupTokenLifetimeSeconds is { } lifetime)
            {
                grant.Add(new("expires_in", lifetime));
            }

            return await ExchangeAsync(provider, session, grant, endOnRefusal: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    public async Task<Outcome<SignInResult>> PollAsync(string providerId, SignInPollInput input, CancellationToken cancellationToken)
    {
        var found = FindSession(providerId, input.SessionId);
        if (found.Error is { } findError)
        {
            return findError;
        }

        var (provider, session) = found.Value;
        if (session.Method != SignInMethod.Device)
        {
            return ControlError.Invalid("This is a browser sign-in: complete it with the pasted code (POST …/complete).");
        }

        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!sessions.IsOpen(session))
            {
                return SessionNotFound();
            }

            if (InvokerFor(session) is not { } invoker)
            {
                return ProxyUnreadable();
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CallTimeout);
            var answer = await DeviceAuthClient.PollAsync(invoker, provider, session.DeviceAuthId!, session.UserCode!, timeout.Token).ConfigureAwait(false);
            switch (answer.Answer)
            {
                case DeviceAnswer.Pending:
                    return new SignInResult(null, false, new SignInPending("pending", session.IntervalSeconds));
                case DeviceAnswer.Refused:
                    sessions.End(session);
                    Log.Refused(logger, provider.Id, session.Method, answer.Error ?? "");
                    return ControlError.Invalid($"The device sign-in was not approved ({answer.Error}): it was denied or the user code expired. Start again.");
                case DeviceAnswer.Unavailable:
                    Log.Unavailable(logger, provider.Id, answer.Error ?? "");
                    return ControlError.UpstreamUnavailable($"The device endpoint of {provider.DisplayName} could not be used: {answer.Error}. Poll again.");
            }

            // Approved: the provider made the PKCE pair; its code is exchanged like a browser sign-in's.
            var grant = new List<KeyValuePair<string, object>>
            {
                new("grant_type", "authorization_code"),
                new("code", answer.AuthorizationCode!),
                new("redirect_uri", provider.DeviceRedirectUri ?? provider.RedirectUri ?? ""),
                new("code_verifier", answer.CodeVerifier!),
            };
            return await ExchangeAsync(provider, session, grant, endOnRefusal: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>The code grant at the token endpoint, then the account. The caller holds the session's gate.</summary>
    private async Task<Outcome<SignInResult>> ExchangeAsync(
        OAuthProvider provider, SignInSession session, List<KeyValuePair<string, object>> grant, bool endOnRefusal, CancellationToken cancellationToken)
    {
        if (InvokerFor(session) is not { } invoker)
        {
            return ProxyUnreadable();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        TokenResponse answer;
        try
        {
            answer = await OAuthTokenClient.PostAsync(invoker, provider, grant, timeout.Token).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The proxy's handler was released between asking for it and sending (no account uses that proxy yet).
            answer = new TokenResponse { Answer = TokenAnswer.Unavailable, Error = "the connection to the provider was closed" };
        }

        switch (answer.Answer)
        {
            case TokenAnswer.Rejected:
                Log.Refused(logger, provider.Id, session.Method, answer.Error ?? "");
                if (endOnRefusal)
                {
                    sessions.End(session);
                    return ControlError.Invalid($"{provider.DisplayName} refused the authorization code ({answer.Error}); start the sign-in again.");
                }

                return ControlError.Invalid($"{provider.DisplayName} refused the code ({answer.Error}); paste it again, or start a new sign-in if it has expired.");
            case TokenAnswer.Unavailable:
                Log.Unavailable(logger, provider.Id, answer.Error ?? "");
                return ControlError.UpstreamUnavailable($"The token endpoint of {provider.DisplayName} could not be used ({answer.Error}); try again.");
        }

        if (!sessions.End(session))
        {
            return SessionNotFound();
        }

        // TokenIdentity.FromAnswer reads the id token only up to 256 characters, shorter than real ones: read it whole here.
        var identity = (answer.IdToken is { } idToken ? TokenIdentity.FromIdToken(idToken) : null) ?? answer.Identity;
        var tokens = new TokensInput
        {
            AccessToken = answer.AccessToken,
            RefreshToken = answer.RefreshToken,
            ExpiresIn = answer.ExpiresIn,
            TokenType = answer.TokenType,
            Scope = answer.Scope,
            AccountId = identity?.AccountId,
            Email = identity?.Email,
            Plan = identity?.Plan,
        };
        var saved = await SaveAsync(session.AccountId, session.Account, tokens, cancellationToken).ConfigureAwait(false);
        if (saved.Value?.Account is { } view)
        {
            Log.Completed(logger, provider.Id, session.Method, view.Id, saved.Value.Created);
        }

        return saved;
    }

    private async Task<Outcome<SignInResult>> SaveAsync(string? accountId, AccountInput account, TokensInput tokens, CancellationToken cancellationToken)
    {
        var outcome = accountId is null
            ? await accounts.CreateAsync(account with { Tokens = tokens }, cancellationToken).ConfigureAwait(false)
            : await accounts.UpdateAsync(accountId, account with { Tokens = tokens }, cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } error ? error : new SignInResult(outcome.Value, accountId is null, null);
    }
}
