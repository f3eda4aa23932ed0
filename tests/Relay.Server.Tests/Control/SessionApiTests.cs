using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Admins;
using Relay.Core.Security;
using Relay.Core.Storage;
using Relay.Server.Control.Sessions;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Control;

/// <summary>Admin sign-in through <c>/api/session</c> on a real server: cookie, CSRF, sign-out, expiry, throttling, and no secret leaking.</summary>
public sealed class SessionApiTests
{
    [Fact]
    public async Task First_start_prints_the_admin_password_once_and_it_signs_in()
    {
        var dataDir = ControlServer.NewDataDir();
        string password;
        await using (var first = await ControlServer.StartAsync(dataDir))
        {
            password = Session.PasswordFrom(first.StartupOutput);
            Assert.True(password.Length >= 20, first.StartupOutput);
            var session = await Session.SignInAsync(first, "admin", password);
            Assert.Equal("admin", session.Username);
            Assert.DoesNotContain(password, first.Logs.AllText, StringComparison.Ordinal);
        }

        await using var second = await ControlServer.StartAsync(dataDir);
        Assert.DoesNotContain(password, second.StartupOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("admin user", second.StartupOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(password, second.Logs.AllText, StringComparison.Ordinal);

        // The stored hash keeps working after a restart.
        Assert.Equal("admin", (await Session.SignInAsync(second, "admin", password)).Username);
    }

    [Fact]
    public async Task Sign_in_sets_an_httponly_strict_cookie_that_authorizes_reads_and_tells_who_is_signed_in()
    {
        await using var server = await ControlServer.StartAsync();
        var password = Session.PasswordFrom(server.StartupOutput);
        var session = await Session.SignInAsync(server, "ADMIN", password);

        var attributes = session.SetCookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.StartsWith("relay_session=", attributes[0], StringComparison.Ordinal);
        Assert.True(Encoding.ASCII.GetByteCount(session.Token) >= 43, session.Token); // 32 random bytes, base64url
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", attributes, StringComparer.OrdinalIgnoreCase); // plain HTTP to Kestrel
        Assert.Equal("admin", session.Username);

        Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);
        var me = await session.SendAsync(server, HttpMethod.Get, "api/session");
        Assert.Equal(200, me.Status);
        Assert.Equal("admin", ControlServer.Parse(me.Text).GetProperty("username").GetString());
        Assert.Equal(session.CsrfToken, ControlServer.Parse(me.Text).GetProperty("csrfToken").GetString());

        // Neither the password nor the session token (nor its stored hash) reaches a log line or a body.
        var tokenHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(session.Token)));
        foreach (var secret in new[] { password, session.Token, tokenHash })
        {
            Assert.DoesNotContain(secret, server.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, session.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, me.Text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(session.CsrfToken, server.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains("Admin admin signed in", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_secure_cookie_is_marked_secure()
    {
        await using var server = await ControlServer.StartAsync(extraArgs: "--Relay:SessionCookieSecure=true");
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        Assert.Contains("secure", session.SetCookie.Split(';', StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Over_real_tls_the_cookie_is_secure_without_configuration()
    {
        using var certificate = LoopbackCertificate.Create();
        await using var server = await ControlServer.StartHttpsAsync(certificate);
        Assert.StartsWith("https://", server.Url, StringComparison.Ordinal);
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        var attributes = session.SetCookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/keys")).Status);
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData(null, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    public void The_cookie_is_secure_over_https_unless_configured_otherwise(bool? configured, bool https, bool expected) =>
        Assert.Equal(expected, SessionCookie.IsSecure(configured, https));

    [Fact]
    public async Task An_unsafe_request_with_the_cookie_needs_the_right_csrf_token()
    {
        await using var server = await ControlServer.StartAsync();
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        var body = """{"name":"csrf-group"}""";

        ControlServer.AssertError(403, "forbidden", await session.SendAsync(server, HttpMethod.Post, "api/groups", body, csrf: null));
        ControlServer.AssertError(403, "forbidden", await session.SendAsync(server, HttpMethod.Post, "api/groups", body, csrf: "not-the-token"));

        // Another session's token does not fit this session.
        var other = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        ControlServer.AssertError(403, "forbidden", await session.SendAsync(server, HttpMethod.Post, "api/groups", body, csrf: other.CsrfToken));
        Assert.Equal(0, ControlServer.Parse((await server.GetAsync("api/groups")).Text).GetProperty("items").GetArrayLength());

        var created = await session.SendAsync(server, HttpMethod.Post, "api/groups", body, csrf: session.CsrfToken);
        Assert.True(created.Status == 201, created.Text);

        // The admin token needs no CSRF header.
        Assert.Equal(201, (await server.PostAsync("api/groups", """{"name":"token-group"}""")).Status);
    }

    [Fact]
    public async Task After_sign_out_the_same_cookie_is_refused()
    {
        await using var server = await ControlServer.StartAsync();
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/keys")).Status);

        ControlServer.AssertError(403, "forbidden", await session.SendAsync(server, HttpMethod.Delete, "api/session", csrf: null));
        var signOut = await session.SendAsync(server, HttpMethod.Delete, "api/session", csrf: session.CsrfToken);
        Assert.Equal(204, signOut.Status);

        ControlServer.AssertError(401, "unauthorized", await session.SendAsync(server, HttpMethod.Get, "api/keys"));
        ControlServer.AssertError(401, "unauthorized", await session.SendAsync(server, HttpMethod.Get, "api/session"));
        ControlServer.AssertError(401, "unauthorized", await session.SendAsync(server, HttpMethod.Post, "api/groups", """{"name":"x"}""", csrf: session.CsrfToken));
    }

    [Fact]
    public async Task A_password_stored_with_fewer_iterations_is_rehashed_at_sign_in_without_signing_anyone_out()
    {
        await using var server = await ControlServer.StartAsync();
        var store = server.App.Services.GetRequiredService<IAdminStore>();
        var password = "legacy-" + ControlServer.RandomToken(20);
        var now = DateTimeOffset.UtcNow;
        await store.InsertUserAsync(new AdminUserRecord("adm_legacy", "legacy", PasswordHasher.Hash(password, iterations: 1_000), now, now, null));
        var first = await Session.SignInAsync(server, "legacy", password);

        var upgraded = (await store.GetUserByNameAsync("legacy"))!.PasswordHash;
        Assert.StartsWith("pbkdf2-sha256$600000$", upgraded, StringComparison.Ordinal);
        Assert.False(PasswordHasher.NeedsRehash(upgraded));

        // Same password, stronger hash: the session from this sign-in lives on, and the password still signs in.
        Assert.Equal(200, (await first.SendAsync(server, HttpMethod.Get, "api/keys")).Status);
        Assert.Equal("legacy", (await Session.SignInAsync(server, "legacy", password)).Username);
        Assert.Equal(upgraded, (await store.GetUserByNameAsync("legacy"))!.PasswordHash);
    }

    [Fact]
    public async Task Wrong_user_name_and_wrong_password_get_the_same_401()
    {
        await using var server = await ControlServer.StartAsync();
        var wrongPassword = await Session.TrySignInAsync(server, "admin", "not-the-password-at-all");
        var wrongUser = await Session.TrySignInAsync(server, "nobody", "not-the-password-at-all");
        ControlServer.AssertError(401, "unauthorized", (wrongPassword.Status, wrongPassword.Text));
        ControlServer.AssertError(401, "unauthorized", (wrongUser.Status, wrongUser.Text));
        Assert.Equal(wrongPassword.Text, wrongUser.Text);
        Assert.Null(wrongPassword.SetCookie);
        Assert.DoesNotContain("not-the-password-at-all", server.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("nobody", server.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_idle_longer_than_the_timeout_is_refused()
    {
        await using var server = await ControlServer.StartAsync(extraArgs: "--Relay:SessionIdleTimeoutSeconds=1");
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);

        await Task.Delay(1500);
        ControlServer.AssertError(401, "unauthorized", await session.SendAsync(server, HttpMethod.Get, "api/accounts"));
    }

    [Fact]
    public async Task A_session_in_use_slides_past_the_idle_timeout()
    {
        await using var server = await ControlServer.StartAsync(extraArgs: "--Relay:SessionIdleTimeoutSeconds=2");
        var session = await Session.SignInAsync(server, "admin", Session.PasswordFrom(server.StartupOutput));
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(800);
            Assert.Equal(200, (await session.SendAsync(server, HttpMethod.Get, "api/accounts")).Status);
        }
    }

    [Fact]
    public async Task Failed_sign_ins_are_limited_per_user_name_and_per_client_ip()
    {
        await using var server = await ControlServer.StartAsync(extraArgs: ["--Relay:SignInMaxFailuresPerUser=3", "--Relay:SignInMaxFailuresPerIp=5"]);
        var password = Session.PasswordFrom(server.StartupOutput);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", "wrong-password-" + i)).Status);
        }

        // Even the right password waits now.
        var limited = await Session.TrySignInAsync(server, "admin", password);
        ControlServer.AssertError(429, "rate_limited", (limited.Status, limited.Text));
        Assert.InRange(int.Parse(limited.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture), 1, 900);
        Assert.Null(limited.SetCookie);

        // Other user names from the same address count towards the per-IP limit (5).
        Assert.Equal(401, (await Session.TrySignInAsync(server, "someone", "wrong-password")).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "someone", "wrong-password")).Status);
        var byIp = await Session.TrySignInAsync(server, "someone-else", "wrong-password");
        ControlServer.AssertError(429, "rate_limited", (byIp.Status, byIp.Text));
        Assert.NotNull(byIp.RetryAfter);

        // The admin token is not affected.
        Assert.Equal(200, (await server.GetAsync("api/accounts")).Status);
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_user_name_count()
    {
        await using var server = await ControlServer.StartAsync(extraArgs: ["--Relay:SignInMaxFailuresPerUser=3", "--Relay:SignInMaxFailuresPerIp=10"]);
        var password = Session.PasswordFrom(server.StartupOutput);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", "wrong-1")).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", "wrong-2")).Status);
        Assert.Equal(200, (await Session.TrySignInAsync(server, "admin", password)).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", "wrong-3")).Status);
        Assert.Equal(401, (await Session.TrySignInAsync(server, "admin", "wrong-4")).Status);
        Assert.Equal(200, (await Session.TrySignInAsync(server, "admin", password)).Status);
    }

    [Fact]
    public async Task OpenApi_describes_the_session_routes_and_the_cookie_scheme()
    {
        await using var server = await ControlServer.StartAsync();
        var document = ControlServer.Parse((await server.GetAsync("api/openapi/v1.json")).Text);
        var session = document.GetProperty("paths").GetProperty("/api/session");
        Assert.False(session.GetProperty("post").TryGetProperty("security", out _));
        Assert.True(session.GetProperty("post").GetProperty("responses").TryGetProperty("429", out _));
        Assert.Contains("adminSession", session.GetProperty("get").GetProperty("security").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("adminToken", session.GetProperty("delete").GetProperty("security").ToString(), StringComparison.Ordinal);
        var accounts = document.GetProperty("paths").GetProperty("/api/accounts").GetProperty("get").GetProperty("security").ToString();
        Assert.Contains("adminToken", accounts, StringComparison.Ordinal);
        Assert.Contains("adminSession", accounts, StringComparison.Ordinal);
        Assert.Equal("cookie", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("adminSession").GetProperty("in").GetString());
    }

    [Fact]
    public async Task Sign_in_refuses_a_form_content_type_and_a_missing_field()
    {
        await using var server = await ControlServer.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = server.Client.BaseAddress };
        using var form = new StringContent("""{"username":"admin","password":"x"}""", Encoding.UTF8, "text/plain");
        using var response = await anonymous.PostAsync("api/session", form);
        ControlServer.AssertError(400, "invalid_request", ((int)response.StatusCode, await response.Content.ReadAsStringAsync()));

        var missing = await server.SendAsync(HttpMethod.Post, "api/session", """{"username":"admin"}""", anonymous);
        ControlServer.AssertError(400, "invalid_request", missing);
    }
}

/// <summary>A signed-in browser, as far as the tests need one: the cookie and the CSRF token.</summary>
internal sealed record Session(string Token, string SetCookie, string Username, string CsrfToken, string Body)
{
    /// <summary>The password printed under "shown only now:" for the first admin.</summary>
    public static string PasswordFrom(string startupOutput)
    {
        var lines = startupOutput.Split('\n', StringSplitOptions.TrimEntries);
        var index = Array.FindIndex(lines, l => l.Contains("admin user 'admin'", StringComparison.Ordinal));
        Assert.True(index >= 0, startupOutput);
        return lines.Skip(index + 1).First(l => l.Length > 0);
    }

    public static async Task<(int Status, string Text, string? SetCookie, string? RetryAfter)> TrySignInAsync(ControlServer server, string username, string password)
    {
        using var anonymous = new HttpClient(ControlServer.TrustingHandler()) { BaseAddress = server.Client.BaseAddress };
        using var content = new StringContent(
            System.Text.Json.JsonSerializer.Serialize(new { username, password }), Encoding.UTF8, "application/json");
        using var response = await anonymous.PostAsync("api/session", content);
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Single() : null;
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), setCookie, retryAfter);
    }

    public static async Task<Session> SignInAsync(ControlServer server, string username, string password)
    {
        var (status, text, setCookie, _) = await TrySignInAsync(server, username, password);
        Assert.True(status == 200, text);
        Assert.NotNull(setCookie);
        var pair = setCookie.Split(';')[0];
        var body = ControlServer.Parse(text);
        return new Session(
            pair["relay_session=".Length..],
            setCookie,
            body.GetProperty("username").GetString()!,
            body.GetProperty("csrfToken").GetString()!,
            text);
    }

    /// <summary>Sends with the cookie only (no admin token); <paramref name="csrf"/> as X-CSRF-Token when given.</summary>
    public async Task<(int Status, string Text)> SendAsync(ControlServer server, HttpMethod method, string path, string? json = null, string? csrf = null)
    {
        using var client = new HttpClient(ControlServer.TrustingHandler(useCookies: false)) { BaseAddress = server.Client.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"relay_session={Token}");
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
