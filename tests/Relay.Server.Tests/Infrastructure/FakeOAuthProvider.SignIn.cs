using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// The browser sign-in: <c>GET /oauth/authorize</c> checks what a real authorization server checks, "signs the user
/// in" at once and answers as Codex's server does (302 to <c>redirect_uri?code=…&amp;state=…</c>) or, with
/// <c>code=true</c>, as Claude's does (a page showing <c>CODE#STATE</c> in the element with id <c>code</c>). The
/// <c>authorization_code</c> grant checks the PKCE verifier against the stored challenge, the redirect URI and the
/// client, and uses each code once.
/// </summary>
public sealed partial class FakeOAuthProvider
{
    private readonly ConcurrentDictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private int _codeExchanges;

    /// <summary>Who signs in: in the id token (ChatGPT claims) and Anthropic's <c>account</c> object.</summary>
    public string Email { get; set; } = "operator@example.com";

    public string Plan { get; set; } = "pro";

    /// <summary>The ChatGPT account id (<c>chatgpt_account_id</c> claim).</summary>
    public string ChatGptAccountId { get; set; } = "acct-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Anthropic's account uuid.</summary>
    public string AccountUuid { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The redirect URI the fake accepts for browser sign-ins (Relay sends it; the fake never serves it).</summary>
    public string RedirectUri => BaseUrl + "/callback";

    /// <summary>The redirect URI of the device sign-in's code exchange.</summary>
    public string DeviceRedirectUri => BaseUrl + "/deviceauth/callback";

    /// <summary>authorization_code grants received (accepted or not).</summary>
    public int CodeExchanges => Volatile.Read(ref _codeExchanges);

    /// <summary>The authorize requests' query strings that were refused, with the reason (for test messages).</summary>
    public ConcurrentQueue<string> AuthorizeRefusals { get; } = new();

    private sealed record CodeGrant(string Challenge, string RedirectUri, string? Scope);

    /// <summary>Follows an authorize URL as a browser would and returns what the operator would paste: CODE#STATE from the page, or the 302's Location.</summary>
    public static async Task<string> SignInAsync(string authorizeUrl)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        using var response = await browser.GetAsync(authorizeUrl).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Found)
        {
            return response.Headers.Location!.ToString();
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"authorize answered {(int)response.StatusCode}: {body}");
        var start = body.IndexOf("<div id=\"code\">", StringComparison.Ordinal);
        Assert.True(start >= 0, body);
        start += "<div id=\"code\">".Length;
        return WebUtility.HtmlDecode(body[start..body.IndexOf("</div>", start, StringComparison.Ordinal)]);
    }

    private async Task AuthorizeAsync(HttpContext context)
    {
        if (Down)
        {
            context.Abort();
            return;
        }

        var query = context.Request.Query;
        string? Refuse()
        {
            if (query["client_id"] != ClientId)
            {
                return "unknown client_id";
            }

            if (query["redirect_uri"] != RedirectUri)
            {
                return "redirect_uri is not registered for this client";
            }

            if (query["response_type"] != "code")
            {
                return "response_type must be code";
            }

            if (query["code_challenge_method"] != "S256" || string.IsNullOrEmpty(query["code_challenge"]))
            {
                return "PKCE S256 is required";
            }

            return string.IsNullOrEmpty(query["state"]) ? "state is required" : null;
        }

        if (Refuse() is { } reason)
        {
            AuthorizeRefusals.Enqueue(reason);
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(reason, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var code = "fake-code-" + RelayServer.RandomToken(32);
        Remember(code);
        _codes[code] = new CodeGrant(query["code_challenge"]!, query["redirect_uri"]!, query["scope"]);
        var state = query["state"].ToString();
        if (query["code"] == "true")
        {
            // Claude's callback page: the code and state for the operator to copy.
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(
                $"<!doctype html><title>Authentication code</title><p>Paste this into Claude Code:</p><div id=\"code\">{WebUtility.HtmlEncode(code + "#" + state)}</div>",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 302;
        context.Response.Headers.Location = QueryHelpers.AddQueryString(RedirectUri, new Dictionary<string, string?> { ["code"] = code, ["state"] = state });
    }

    /// <summary>A code the fake issued without the browser step (the device flow's server-side PKCE pair).</summary>
    private string IssueCode(string challenge, string redirectUri, string? scope)
    {
        var code = "fake-code-" + RelayServer.RandomToken(32);
        Remember(code);
        _codes[code] = new CodeGrant(challenge, redirectUri, scope);
        return code;
    }

    private async Task ExchangeCodeAsync(HttpContext context, Dictionary<string, string> form)
    {
        Interlocked.Increment(ref _codeExchanges);
        if (form.GetValueOrDefault("code_verifier") is { Length: > 0 } sentVerifier)
        {
            Remember(sentVerifier);
        }

        // Single use: a code is gone after its first exchange, right or wrong.
        if (form.GetValueOrDefault("client_id") != ClientId
            || form.GetValueOrDefault("code") is not { } code
            || !_codes.TryRemove(code, out var grant)
            || form.GetValueOrDefault("redirect_uri") != grant.RedirectUri
            || form.GetValueOrDefault("code_verifier") is not { } verifier
            || Challenge(verifier) != grant.Challenge)
        {
            await WriteAsync(context, 400, new Dictionary<string, object> { ["error"] = "invalid_grant", ["error_description"] = "bad code, verifier or redirect_uri" }).ConfigureAwait(false);
            return;
        }

        // Claude's setup-token exchange asks for a lifetime and gets no refresh token.
        var longLived = form.TryGetValue("expires_in", out var lifetime);
        Dictionary<string, object> answer;
        lock (_lock)
        {
            _accessToken = Issue("at");
            answer = new Dictionary<string, object>
            {
                ["access_token"] = _accessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = longLived ? int.Parse(lifetime!, System.Globalization.CultureInfo.InvariantCulture) : (int)AccessTokenLifetime.TotalSeconds,
                ["scope"] = grant.Scope ?? "",
            };
            if (!longLived)
            {
                _refreshToken = Issue("rt");
                answer["refresh_token"] = _refreshToken;
            }
        }

        if (grant.Scope is null || grant.Scope.Contains("openid", StringComparison.Ordinal))
        {
            // OpenAI: an OpenID Connect id token carries who signed in (any signature: Relay only reads the claims).
            var idToken = IdToken();
            Remember(idToken);
            answer["id_token"] = idToken;
        }
        else
        {
            // Anthropic: the account and organization objects.
            answer["account"] = new Dictionary<string, string> { ["uuid"] = AccountUuid, ["email_address"] = Email };
            answer["organization"] = new Dictionary<string, string> { ["uuid"] = Guid.NewGuid().ToString(), ["name"] = "Fake Org" };
        }

        await WriteAsync(context, 200, answer).ConfigureAwait(false);
    }

    private string IdToken()
    {
        static string Part(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
        var claims = new Dictionary<string, object>
        {
            ["iss"] = BaseUrl,
            ["aud"] = ClientId,
            ["email"] = Email,
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            ["https://api.openai.com/auth"] = new Dictionary<string, string> { ["chatgpt_account_id"] = ChatGptAccountId, ["chatgpt_plan_type"] = Plan },
        };
        return $"{Part(new { alg = "RS256", typ = "JWT" })}.{Part(claims)}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
    }

    private static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
