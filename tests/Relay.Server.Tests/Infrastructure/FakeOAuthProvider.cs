using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A loopback OAuth provider playing Claude's and OpenAI's sign-in servers for one user. The token endpoint
/// (RFC 6749) takes form or JSON bodies and holds the one access token and the one refresh token that are currently
/// valid. A refresh with the valid refresh token issues a new access token with <see cref="AccessTokenLifetime"/> and,
/// with <see cref="RotateRefreshTokens"/>, a new refresh token (the old one stops working); anything else is
/// <c>invalid_grant</c>. <see cref="Revoke"/> kills the refresh token, <see cref="RotateAccessToken"/> replaces the
/// access token behind the relay's back, <see cref="ExpireAccessToken"/> ends it, <see cref="Down"/> resets every
/// connection. The browser sign-in (<c>FakeOAuthProvider.SignIn.cs</c>) and the device sign-in
/// (<c>FakeOAuthProvider.Device.cs</c>) live in their own files. Every token, code and verifier ever issued or seen is
/// kept in <see cref="IssuedTokens"/> for leak checks.
/// </summary>
public sealed partial class FakeOAuthProvider : IAsyncDisposable
{
    public const string ClientId = "relay-test-client";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly Lock _lock = new();
    private string _accessToken = "";
    private string _refreshToken = "";
    private int _refreshCalls;

    private FakeOAuthProvider(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:PORT/oauth/token</summary>
    public string TokenUrl { get; private set; } = "";

    /// <summary>http://127.0.0.1:PORT</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Lifetime (expires_in) of access tokens issued by a refresh.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>How long a refresh takes, so concurrent callers really overlap.</summary>
    public TimeSpan RefreshDelay { get; set; } = TimeSpan.Zero;

    /// <summary>While true, every connection is reset (the endpoint is "down").</summary>
    public bool Down { get; set; }

    /// <summary>Refresh requests received (including refused and reset ones).</summary>
    public int RefreshCalls => Volatile.Read(ref _refreshCalls);

    /// <summary>Client ids, grant types and other fields (form or JSON) of the last token request.</summary>
    public IReadOnlyDictionary<string, string> LastForm { get; private set; } = new Dictionary<string, string>();

    /// <summary>The media type of the last token request's body (<c>application/json</c> or form).</summary>
    public string? LastContentType { get; private set; }

    public string CurrentAccessToken { get { lock (_lock) { return _accessToken; } } }
    public string CurrentRefreshToken { get { lock (_lock) { return _refreshToken; } } }

    public IReadOnlyCollection<string> IssuedTokens => [.. _issued];

    /// <summary>
    /// The relay settings (<c>OAuthProviders:{id}:…</c>) that point every endpoint of a provider id at this fake: token,
    /// authorize, redirect and the client id, and the device endpoints except for <c>claude</c>, whose built-in data
    /// has none (so it keeps offering exactly its own methods).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Settings(string id)
    {
        List<KeyValuePair<string, string>> settings =
        [
            new($"OAuthProviders:{id}:TokenUrl", TokenUrl),
            new($"OAuthProviders:{id}:ClientId", ClientId),
            new($"OAuthProviders:{id}:AuthorizeUrl", BaseUrl + "/oauth/authorize"),
            new($"OAuthProviders:{id}:RedirectUri", RedirectUri),
        ];
        if (id != "claude")
        {
            settings.Add(new($"OAuthProviders:{id}:DeviceCodeUrl", BaseUrl + "/deviceauth/usercode"));
            settings.Add(new($"OAuthProviders:{id}:DeviceTokenUrl", BaseUrl + "/deviceauth/token"));
            settings.Add(new($"OAuthProviders:{id}:DeviceVerificationUrl", BaseUrl + "/device"));
            settings.Add(new($"OAuthProviders:{id}:DeviceRedirectUri", DeviceRedirectUri));
        }

        return settings;
    }

    /// <summary>The same settings as command-line arguments (<c>--Relay:OAuthProviders:…=…</c>) for CLI verbs.</summary>
    public IEnumerable<string> SettingsArgs(string id) => Settings(id).Select(s => $"--Relay:{s.Key}={s.Value}");

    public static async Task<FakeOAuthProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeOAuthProvider(app);
        app.MapPost("/oauth/token", fake.HandleAsync);
        app.MapGet("/oauth/authorize", fake.AuthorizeAsync);
        app.MapPost("/deviceauth/usercode", fake.UserCodeAsync);
        app.MapPost("/deviceauth/token", fake.DeviceTokenAsync);
        await app.StartAsync().ConfigureAwait(false);
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        fake.TokenUrl = fake.BaseUrl + "/oauth/token";
        return fake;
    }

    /// <summary>Starts a sign-in: a fresh access token and refresh token, the only valid ones.</summary>
    public (string AccessToken, string RefreshToken) SignIn()
    {
        lock (_lock)
        {
            _accessToken = Issue("at");
            _refreshToken = Issue("rt");
            return (_accessToken, _refreshToken);
        }
    }

    /// <summary>The provider replaces the access token on its own (the relay's copy now gets 401); the refresh token still works.</summary>
    public void RotateAccessToken()
    {
        lock (_lock)
        {
            _accessToken = Issue("at");
        }
    }

    /// <summary>
    /// The access token's lifetime ran out at the provider before the relay's clock said so (a shortened lifetime, a
    /// skewed clock): it is refused from now on and no new one is issued; the refresh token still works.
    /// </summary>
    public void ExpireAccessToken()
    {
        lock (_lock)
        {
            _accessToken = "";
        }
    }

    /// <summary>The refresh token is revoked: every refresh gets invalid_grant from now on.</summary>
    public void Revoke()
    {
        lock (_lock)
        {
            _refreshToken = "";
        }
    }

    public bool IsValidAccessToken(string? token)
    {
        lock (_lock)
        {
            return token is { Length: > 0 } && token == _accessToken;
        }
    }

    private string Issue(string kind)
    {
        var token = $"fake-{kind}-{RelayServer.RandomToken(40)}";
        _issued.Enqueue(token);
        return token;
    }

    /// <summary>Something the relay must never show (a code, a verifier it sent, an id token): checked like the tokens.</summary>
    private void Remember(string secret) => _issued.Enqueue(secret);

    private async Task HandleAsync(HttpContext context)
    {
        if (Down)
        {
            Interlocked.Increment(ref _refreshCalls);
            context.Abort();
            return;
        }

        var form = await ReadFieldsAsync(context).ConfigureAwait(false);
        LastForm = form;
        LastContentType = context.Request.ContentType?.Split(';')[0].Trim();
        if (form.GetValueOrDefault("grant_type") == "authorization_code")
        {
            await ExchangeCodeAsync(context, form).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _refreshCalls);
        if (RefreshDelay > TimeSpan.Zero)
        {
            await Task.Delay(RefreshDelay, context.RequestAborted).ConfigureAwait(false);
        }

        if (form.GetValueOrDefault("grant_type") != "refresh_token" || form.GetValueOrDefault("client_id") != ClientId)
        {
            await WriteAsync(context, 400, new Dictionary<string, object> { ["error"] = "invalid_request" }).ConfigureAwait(false);
            return;
        }

        Dictionary<string, object> answer;
        lock (_lock)
        {
            if (_refreshToken.Length == 0 || form.GetValueOrDefault("refresh_token") != _refreshToken)
            {
                answer = new Dictionary<string, object> { ["error"] = "invalid_grant", ["error_description"] = "refresh token revoked" };
            }
            else
            {
                _accessToken = Issue("at");
                answer = new Dictionary<string, object>
                {
                    ["access_token"] = _accessToken,
                    ["token_type"] = "Bearer",
                    ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds,
                };
                if (RotateRefreshTokens)
                {
                    _refreshToken = Issue("rt");
                    answer["refresh_token"] = _refreshToken;
                }
            }
        }

        await WriteAsync(context, answer.ContainsKey("error") ? 400 : 200, answer).ConfigureAwait(false);
    }

    /// <summary>A token or device request's fields, from a form or a JSON object (numbers kept as their text).</summary>
    private static async Task<Dictionary<string, string>> ReadFieldsAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            return form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }

                // Tests check that numbers go as JSON numbers (expires_in), so the kinds are kept too.
                fields["$kinds"] = string.Join(',', document.RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
            }
        }
        catch (JsonException)
        {
        }

        return fields;
    }

    private static async Task WriteAsync(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Seconds as the relay's <c>tokens.expiresIn</c> takes them.</summary>
    public static string Seconds(TimeSpan span) => ((int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
