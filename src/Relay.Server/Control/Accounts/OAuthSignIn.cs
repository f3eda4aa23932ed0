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
