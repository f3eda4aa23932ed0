using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Server.Forwarding;
using Relay.Server.OAuth;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// Signing accounts in at an OAuth provider, for the Control API and the CLI alike: the browser (PKCE, paste-back)
/// and setup-token flows, the device flow, and imports of the providers' own credential files. Each ends in
/// <see cref="AccountService"/>: a new <c>oauth</c> account, or new tokens for an existing one (which clears its
/// error). Every call to the provider goes through the account's proxy. Codes, verifiers and tokens stay in this
/// process: they are in no answer, log line or error.
/// </summary>
internal sealed partial class OAuthSignIn(
    OAuthProviders providers,
    SignInSessions sessions,
    AccountService accounts,
    UpstreamHttp upstream,
    SnapshotManager snapshots,
    TimeProvider time,
    ILogger<OAuthSignIn> logger)
{
    private static readonly TimeSpan BrowserLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DeviceLifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private const int DefaultIntervalSeconds = 5;

    /// <summary>The account a sign-in ends with: the checked fields, the account to replace the tokens of, the proxy to call through.</summary>
    private sealed record Target(AccountInput Account, string? AccountId, string? ProxyUrl);

    public IReadOnlyList<OAuthProviderView> Providers() =>
        [.. providers.All.Select(p => new OAuthProviderView(p.Id, p.DisplayName, p.Platform, SignInMethod.Offered(p), CredentialImport.FormatsOf(p), p.Terms))];

    public async Task<Outcome<SignInStarted>> StartAsync(string providerId, SignInStartInput input, CancellationToken cancellationToken)
    {
        if (providers.Find(providerId) is not { } provider)
        {
            return UnknownProvider(providerId);
        }

        var method = input.Method?.Trim().ToLowerInvariant() ?? SignInMethod.Browser;
        if (method is not (SignInMethod.Browser or SignInMethod.SetupToken or SignInMethod.Device))
        {
            return ControlError.Invalid("Field 'method' must be one of: browser, setup-token, device.");
        }

        var offered = SignInMethod.Offered(provider);
        if (!offered.Contains(method))
        {
            return ControlError.Invalid($"Provider '{provider.Id}' does not offer the {method} sign-in (offered: {(offered.Count == 0 ? "none" : string.Join(", ", offered))}).");
        }

        var target = await TargetAsync(provider, input.AccountId, input.Account, cancellationToken).ConfigureAwait(false);
        if (target.Error is { } targetError)
        {
            return targetError;
        }

        var now = time.GetUtcNow();
        var (account, accountId, proxyUrl) = target.Value!;
        if (method == SignInMethod.Device)
        {
            return await StartDeviceAsync(provider, target.Value!, now, cancellationToken).ConfigureAwait(false);
        }

        var verifier = Pkce.RandomValue();
        var state = Pkce.RandomValue();
        var session = new SignInSession
        {
            Id = NewSessionId(),
            ProviderId = provider.Id,
            Method = method,
            CreatedAt = now,
            ExpiresAt = now + BrowserLifetime,
            AccountId = accountId,
            Account = account,
            ProxyUrl = proxyUrl,
            Verifier = verifier,
            State = state,
            RedirectUri = provider.RedirectUri,
        };
        sessions.Add(session);
        Log.Started(logger, provider.Id, method, accountId ?? "(new)");
        var scopes = method == SignInMethod.SetupToken ? provider.SetupTokenScopes : provider.SignInScopes;
        return new SignInStarted(session.Id, provider.Id, method, AuthorizeUrl(provider, scopes, Pkce.Challenge(verifier), state), provider.RedirectUri, null, null, null, session.ExpiresAt);
    }

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

    private async Task<Outcome<SignInStarted>> StartDeviceAsync(OAuthProvider provider, Target target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var probe = new SignInSession
        {
            Id = NewSessionId(),
            ProviderId = provider.Id,
            Method = SignInMethod.Device,
            CreatedAt = now,
            ExpiresAt = now + DeviceLifetime,
            AccountId = target.AccountId,
            Account = target.Account,
            ProxyUrl = target.ProxyUrl,
        };
        if (InvokerFor(probe) is not { } invoker)
        {
            return ProxyUnreadable();
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        var answer = await DeviceAuthClient.RequestUserCodeAsync(invoker, provider, timeout.Token).ConfigureAwait(false);
        if (answer.Answer != DeviceAnswer.Issued)
        {
            Log.Unavailable(logger, provider.Id, answer.Error ?? "");
            return ControlError.UpstreamUnavailable($"Could not start the device sign-in at {provider.DisplayName}: {answer.Error}.");
        }

        var interval = answer.IntervalSeconds ?? DefaultIntervalSeconds;
        var session = new SignInSession
        {
            Id = probe.Id,
            ProviderId = provider.Id,
            Method = SignInMethod.Device,
            CreatedAt = now,
            ExpiresAt = now + (answer.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DeviceLifetime),
            AccountId = target.AccountId,
            Account = target.Account,
            ProxyUrl = target.ProxyUrl,
            DeviceAuthId = answer.DeviceAuthId,
            UserCode = answer.UserCode,
            IntervalSeconds = interval,
        };
        sessions.Add(session);
        Log.Started(logger, provider.Id, SignInMethod.Device, target.AccountId ?? "(new)");
        return new SignInStarted(session.Id, provider.Id, SignInMethod.Device, null, null, provider.DeviceVerificationUrl, answer.UserCode, interval, session.ExpiresAt);
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
            BaseUrl = fields?.BaseUrl ?? (accountId is null ? provider.BaseUrl : null),
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

            // What the provider decides: a re-sign-in keeps them as they are.
            Type = accountId is null ? AccountTypes.OAuth : null,
            Platform = accountId is null ? provider.Platform : null,
            Shapes = accountId is null && provider.Shapes.Count > 0 ? provider.Shapes : null,
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

    private static string AuthorizeUrl(OAuthProvider provider, string? scopes, string challenge, string state)
    {
        var query = new List<KeyValuePair<string, string?>>
        {
            new("response_type", "code"),
            new("client_id", provider.ClientId),
            new("redirect_uri", provider.RedirectUri),
        };
        if (!string.IsNullOrEmpty(scopes))
        {
            query.Add(new("scope", scopes));
        }

        query.Add(new("code_challenge", challenge));
        query.Add(new("code_challenge_method", "S256"));
        query.Add(new("state", state));
        query.AddRange(provider.AuthorizeParameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return QueryHelpers.AddQueryString(provider.AuthorizeUrl!.ToString(), query);
    }

    private static bool SameText(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string NewSessionId() => "sis_" + Pkce.RandomValue();

    private ControlError UnknownProvider(string id) =>
        ControlError.NotFound($"No OAuth provider '{id}' (configured: {string.Join(", ", providers.Ids)}).");

    private static ControlError SessionNotFound() =>
        ControlError.NotFound("No open sign-in session with this id: it is unknown, has expired (browser sign-ins last 10 minutes) or was already used. Start again.");

    private static ControlError ProxyUnreadable() =>
        ControlError.Invalid("The account's stored proxy cannot be read (master key changed?); give 'account.proxy' again.");

    private static partial class Log
    {
        [LoggerMessage(7101, LogLevel.Information, "Sign-in started at provider {Provider} ({Method}) for account {AccountId}")]
        public static partial void Started(ILogger logger, string provider, string method, string accountId);

        [LoggerMessage(7102, LogLevel.Information, "Sign-in at provider {Provider} ({Method}) completed for account {AccountId} (new account: {Created})")]
        public static partial void Completed(ILogger logger, string provider, string method, string accountId, bool created);

        [LoggerMessage(7103, LogLevel.Warning, "Sign-in at provider {Provider} ({Method}) refused: {Error}")]
        public static partial void Refused(ILogger logger, string provider, string method, string error);

        [LoggerMessage(7104, LogLevel.Warning, "Sign-in at provider {Provider}: provider unavailable ({Reason})")]
        public static partial void Unavailable(ILogger logger, string provider, string reason);

        [LoggerMessage(7105, LogLevel.Information, "Credentials of provider {Provider} imported ({Format}) into account {AccountId}")]
        public static partial void Imported(ILogger logger, string provider, string format, string accountId);
    }
}
