using System.Security.Cryptography;
using System.Text;
using Relay.Core.Admins;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Server.Hosting;

namespace Relay.Server.Control.Sessions;

/// <summary>
/// Sign-in, session checks and sign-out for admin users. A session is a random 256-bit token held only
/// by the browser (the cookie); the store keeps its SHA-256, so deleting the row ends the session for
/// good and a leaked database holds no usable cookie. The CSRF token is an HMAC of the session token,
/// so it needs no storage, differs per session, and cannot be computed without the (HttpOnly) cookie.
/// </summary>
internal sealed partial class AdminSessions(IAdminStore store, SignInThrottle throttle, RelayOptions options, TimeProvider time, ILogger<AdminSessions> logger)
{
    private const int TokenBytes = 32;
    private const int MaxTokenLength = 128;
    private static readonly byte[] CsrfLabel = "relay-csrf-v1"u8.ToArray();

    private TimeSpan Idle => TimeSpan.FromSeconds(Math.Max(1, options.SessionIdleTimeoutSeconds));

    private TimeSpan Lifetime => TimeSpan.FromSeconds(Math.Max(1, options.SessionLifetimeSeconds));

    /// <summary>Last-seen is written at most this often per session: once a minute, or more often for very short idle timeouts.</summary>
    private TimeSpan TouchEvery => TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, Idle.Ticks / 4));

    /// <summary>Checks the credentials and opens a session. Returns the new session token (for the cookie) and the view.</summary>
    public async Task<SignInResult> SignInAsync(SignInInput input, string clientIp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(input.Username) || string.IsNullOrEmpty(input.Password))
        {
            return new SignInResult(ControlError.Invalid("Fields 'username' and 'password' are required."));
        }

        if (throttle.TryBegin(input.Username, clientIp) is { } wait)
        {
            Log.SignInThrottled(logger, clientIp);
            var seconds = (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
            return new SignInResult(ControlError.RateLimited($"Too many failed sign-ins; try again in {seconds} seconds."), RetryAfterSeconds: seconds);
        }

        var user = await store.GetUserByNameAsync(input.Username, cancellationToken).ConfigureAwait(false);
        var valid = user is null ? PasswordHasher.VerifyNothing(input.Password) : PasswordHasher.Verify(input.Password, user.PasswordHash);
        if (!valid || user is null)
        {
            // The attempted name is logged only when it is a real admin's: a password typed into the name field stays out of the log.
            if (user is null)
            {
                Log.SignInFailedUnknownUser(logger, clientIp);
            }
            else
            {
                Log.SignInFailed(logger, user.Username, clientIp);
            }

            return new SignInResult(ControlError.Unauthorized("The user name or password is not correct."));
        }

        throttle.Succeeded(input.Username, clientIp);
        if (PasswordHasher.NeedsRehash(user.PasswordHash))
        {
            // Stored under an older, weaker iteration count: the clear password is at hand only now, so upgrade it.
            await store.UpgradePasswordHashAsync(user.Id, user.PasswordHash, PasswordHasher.Hash(input.Password), cancellationToken).ConfigureAwait(false);
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(TokenBytes));
        var now = time.GetUtcNow();

        // Sessions nobody comes back to would stay forever; sign-ins are rare, so tidy up here.
        await store.DeleteExpiredSessionsAsync(now, Idle, cancellationToken).ConfigureAwait(false);
        await store.InsertSessionAsync(new AdminSessionRecord(HashToken(token), user.Id, user.Username, now, now, now + Lifetime), cancellationToken).ConfigureAwait(false);
        await store.MarkSignedInAsync(user.Id, now, cancellationToken).ConfigureAwait(false);
        Log.SignedIn(logger, user.Username, clientIp);
        return new SignInResult(null, token, new SessionView(user.Username, CsrfToken(token)));
    }

    /// <summary>The live session a cookie token names, sliding its idle expiry; null when it is unknown, signed out or expired.</summary>
    public async Task<AdminSession?> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var hash = HashToken(token);
        var session = await store.GetSessionAsync(hash, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now >= session.ExpiresAt || now - session.LastSeenAt >= Idle)
        {
            await store.DeleteSessionAsync(hash, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (now - session.LastSeenAt >= TouchEvery)
        {
            await store.TouchSessionAsync(hash, now, cancellationToken).ConfigureAwait(false);
        }

        return new AdminSession(session.UserId, session.Username, token, hash);
    }

    /// <summary>
    /// Authenticates a request by its <c>relay_session</c> cookie. Unsafe methods (anything but GET, HEAD,
    /// OPTIONS) must also carry <c>X-CSRF-Token</c>: a cross-site page can make a browser send the cookie
    /// (SameSite=Strict already stops that in current browsers) but cannot read the token to send it.
    /// </summary>
    public async Task<Outcome<AdminSession>> AuthenticateRequestAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var session = await AuthenticateAsync(context.Request.Cookies[SessionCookie.Name], cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return ControlError.Unauthorized("The session has expired or was signed out; sign in again (POST /api/session).");
        }

        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method)
            && !CsrfMatches(session, context.Request.Headers[SessionCookie.CsrfHeader].ToString()))
        {
            return ControlError.Forbidden($"A request signed in with the session cookie must send the '{SessionCookie.CsrfHeader}' header with the csrfToken from the sign-in answer.");
        }

        return session;
    }

    /// <summary>Deletes the session row: the cookie can never be used again, whoever holds a copy.</summary>
    public async Task SignOutAsync(AdminSession session, CancellationToken cancellationToken)
    {
        await store.DeleteSessionAsync(session.TokenHash, cancellationToken).ConfigureAwait(false);
        Log.SignedOut(logger, session.Username);
    }

    public static string CsrfToken(string sessionToken) =>
        Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sessionToken), CsrfLabel));

    public static bool CsrfMatches(AdminSession session, string? presented) =>
        !string.IsNullOrEmpty(presented) && TokenComparer.FixedTimeEquals(presented, CsrfToken(session.Token));

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static partial class Log
    {
        [LoggerMessage(4051, LogLevel.Information, "Admin {Username} signed in from {ClientIp}")]
        public static partial void SignedIn(ILogger logger, string username, string clientIp);

        [LoggerMessage(4052, LogLevel.Warning, "Failed sign-in for admin {Username} from {ClientIp}")]
        public static partial void SignInFailed(ILogger logger, string username, string clientIp);

        [LoggerMessage(4053, LogLevel.Warning, "Failed sign-in with an unknown user name from {ClientIp}")]
        public static partial void SignInFailedUnknownUser(ILogger logger, string clientIp);

        [LoggerMessage(4054, LogLevel.Warning, "Sign-in refused: too many failed attempts (client {ClientIp})")]
        public static partial void SignInThrottled(ILogger logger, string clientIp);

        [LoggerMessage(4055, LogLevel.Information, "Admin {Username} signed out")]
        public static partial void SignedOut(ILogger logger, string username);
    }
}

/// <summary>Either a new session (<see cref="Token"/> for the cookie, <see cref="View"/> for the body) or an error; a 429 carries the seconds for <c>Retry-After</c>.</summary>
internal sealed record SignInResult(ControlError? Error, string? Token = null, SessionView? View = null, int? RetryAfterSeconds = null);
