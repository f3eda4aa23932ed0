using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Relay.Server.Tests.Control;

/// <summary>
/// Reads the server's real route table, so a Control API route added tomorrow is checked without anyone
/// remembering to list it: every <c>/api/…</c> route except the few that are public on purpose refuses a
/// caller with no credential, and refuses a session cookie that was signed out.
/// </summary>
public sealed partial class RouteTableAuthTests(ControlServerFixture fixture) : IClassFixture<ControlServerFixture>
{
    /// <summary>
    /// Routes under /api that do not take the admin token, and why. A new entry here is a security decision:
    /// it needs a reason and its own tests.
    /// </summary>
    private static readonly HashSet<string> PublicRoutes =
    [
        "POST /api/session",   // signing in: the credential is in the body
        "GET /api/me",         // self-service: authenticated by the caller's relay key
    ];

    [Fact]
    public async Task Every_control_route_refuses_a_caller_without_credentials_and_a_signed_out_session()
    {
        var routes = ControlRoutes();
        Assert.True(routes.Count >= 30, $"only {routes.Count} control routes found: {string.Join(", ", routes)}");

        var signedOut = await SignedOutSessionAsync();
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.Client.BaseAddress };
        using var replaying = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.Server.Client.BaseAddress };
        replaying.DefaultRequestHeaders.Add("Cookie", $"relay_session={signedOut.Token}");
        replaying.DefaultRequestHeaders.Add("X-CSRF-Token", signedOut.CsrfToken);

        var failures = new List<string>();
        foreach (var (method, path) in routes)
        {
            foreach (var (label, client) in new[] { ("no credentials", anonymous), ("signed-out session", replaying) })
            {
                var response = await fixture.Server.SendAsync(new HttpMethod(method), path, "{}", client);
                if (response.Status != 401)
                {
                    failures.Add($"{method} /{path} with {label}: {response.Status} {response.Text}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every (method, concrete path) of the Control API, with route parameters filled in.</summary>
    private List<(string Method, string Path)> ControlRoutes()
    {
        var sources = fixture.Server.App.Services.GetServices<EndpointDataSource>();
        var routes = new SortedSet<(string, string)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal) || IsInference(pattern))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                if (PublicRoutes.Contains($"{method} {pattern}"))
                {
                    continue;
                }

                routes.Add((method, RouteParameter().Replace(pattern, "x").TrimStart('/')));
            }
        }

        return [.. routes];
    }

    /// <summary>Inference under /api/v1/… (and /api/openai/…, /api/claude/…) takes relay keys, not the admin token.</summary>
    private static bool IsInference(string pattern) =>
        pattern.StartsWith("/api/v1/", StringComparison.Ordinal)
        || pattern.StartsWith("/api/v1beta/", StringComparison.Ordinal)
        || pattern.StartsWith("/api/openai/", StringComparison.Ordinal)
        || pattern.StartsWith("/api/claude/", StringComparison.Ordinal)
        || pattern.StartsWith("/api/openapi", StringComparison.Ordinal);

    private async Task<(string Token, string CsrfToken)> SignedOutSessionAsync()
    {
        var username = "auditor" + ControlServer.RandomToken(6);
        var password = "pw-" + ControlServer.RandomToken(24);
        var added = await fixture.Server.App.Services.GetRequiredService<Relay.Server.Control.Sessions.AdminUserService>()
            .AddAsync(username, password, CancellationToken.None);
        Assert.Null(added.Error);

        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.Server.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/session");
        request.Content = new StringContent($$"""{"username":"{{username}}","password":"{{password}}"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var token = response.Headers.GetValues("Set-Cookie").First().Split(';')[0]["relay_session=".Length..];
        var csrfToken = ControlServer.Parse(await response.Content.ReadAsStringAsync()).GetProperty("csrfToken").GetString()!;

        // The session works, then is signed out; the same cookie must then be worthless everywhere.
        client.DefaultRequestHeaders.Add("Cookie", $"relay_session={token}");
        client.DefaultRequestHeaders.Add("X-CSRF-Token", csrfToken);
        Assert.Equal(200, (await fixture.Server.SendAsync(HttpMethod.Get, "api/accounts", null, client)).Status);
        Assert.Equal(204, (await fixture.Server.SendAsync(HttpMethod.Delete, "api/session", null, client)).Status);
        return (token, csrfToken);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
