using Relay.Server.Hosting;

namespace Relay.Server.Control.Sessions;

/// <summary>The <c>relay_session</c> cookie: <c>HttpOnly</c>, <c>SameSite=Strict</c>, <c>Path=/</c>, and <c>Secure</c> per <see cref="IsSecure"/>.</summary>
internal static class SessionCookie
{
    public const string Name = "relay_session";
    public const string CsrfHeader = "X-CSRF-Token";

    /// <summary>
    /// <c>Secure</c> when configured so, otherwise exactly when the request reached Kestrel over HTTPS.
    /// <c>X-Forwarded-Proto</c> is not consulted: Relay does not configure forwarded headers, so any
    /// client could send it. Behind a TLS-terminating proxy set <c>SessionCookieSecure=true</c>.
    /// </summary>
    public static bool IsSecure(bool? configured, bool requestIsHttps) => configured ?? requestIsHttps;

    public static void Set(HttpContext context, RelayOptions options, string token) =>
        context.Response.Cookies.Append(Name, token, Options(context, options));

    public static void Clear(HttpContext context, RelayOptions options) =>
        context.Response.Cookies.Delete(Name, Options(context, options));

    /// <summary>
    /// No Expires/Max-Age: a browser-session cookie. The server enforces idle and absolute expiry
    /// itself, so a cookie kept past them is refused anyway.
    /// </summary>
    private static CookieOptions Options(HttpContext context, RelayOptions options) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Path = "/",
        Secure = IsSecure(options.SessionCookieSecure, context.Request.IsHttps),
        IsEssential = true,
    };
}
