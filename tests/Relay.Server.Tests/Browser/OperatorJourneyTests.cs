using System.Net;
using Microsoft.Playwright;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// An operator runs a team's relay from the browser alone: sign in, add an account (behind its own SOCKS5 proxy) and
/// test it, create a key and read it once, see that key's traffic on the dashboard and in the usage log, watch it hit
/// its limit, revoke it, sign out. Real relay, real Chromium, a fake upstream; screenshots go to docs/screenshots/.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OperatorJourneyTests(Chromium chromium)
{
    [Fact]
    public async Task An_operator_adds_an_account_hands_out_a_key_watches_its_traffic_and_revokes_it()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        var accountSecret = "sk-ant-api03-" + RelayServer.RandomToken(40);
        var proxyPassword = "proxy-" + RelayServer.RandomToken(24);
        await using var egress = LoopbackSocks5Proxy.Start("relay", proxyPassword);
        var secrets = new List<string>(site.Secrets) { accountSecret, proxyPassword };

        // Sign in: /admin sends a stranger to the sign-in page.
        await page.GotoAsync("/admin/");
        await Expect(page.GetByTestId("signin-form")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "sign-in");
        await page.OpenConsoleAsync(site);
        await Expect(page.GetByTestId("pool-health")).ToBeVisibleAsync();

        // Add an account through the form, then test it: a real request through the relay to the fake upstream.
        await page.NavigateAsync("accounts");
        await Expect(page.GetByTestId("accounts-empty")).ToBeVisibleAsync();
        await page.GetByTestId("account-add").ClickAsync();
        await page.GetByTestId("account-name").FillAsync("team-claude-1");
        await page.GetByTestId("account-secret").FillAsync(accountSecret);
        await page.GetByTestId("account-base-url").FillAsync(site.UpstreamUrl("ok"));
        await page.GetByTestId("account-proxy").FillAsync(egress.Url("relay", proxyPassword));
        await page.GetByTestId("account-submit").ClickAsync();
        var accountRow = page.Row("account-row", "team-claude-1");
        await Expect(accountRow.GetByTestId("account-state")).ToHaveAttributeAsync("data-state", "active");
        await Expect(accountRow.GetByTestId("account-proxy-url")).ToContainTextAsync("socks5://relay:****@127.0.0.1");

        await accountRow.GetByTestId("account-test").ClickAsync();
        await page.GetByTestId("account-test-run").ClickAsync();
        await Expect(page.GetByTestId("account-test-result")).ToHaveAttributeAsync("data-ok", "true");
        Assert.Equal(1, egress.AuthSuccesses); // the test went out through the account's own proxy
        await page.GetByTestId("modal-close").ClickAsync();
        await page.AssertShowsNoSecretAsync(secrets, "accounts page");

        // Create a key limited to 3 requests a minute; it is shown once.
        await page.NavigateAsync("keys");
        await page.GetByTestId("key-create").ClickAsync();
        await page.GetByTestId("key-name").FillAsync("alice");
        await page.GetByTestId("key-limits-add").ClickAsync();
        await page.GetByTestId("key-limits-meter").SelectOptionAsync("requests");
        await page.GetByTestId("key-limits-window").FillAsync("1m");
        await page.GetByTestId("key-limits-max").FillAsync("3");
        await page.GetByTestId("key-submit").ClickAsync();
        var key = (await page.GetByTestId("secret-value").InnerTextAsync()).Trim();
        Assert.StartsWith("cr_", key, StringComparison.Ordinal);
        secrets.Add(key);
        await Screenshots.SaveAsync(page, "key-created");
        await page.GetByTestId("secret-close").ClickAsync();
        await Expect(page.GetByTestId("secret-dialog")).ToBeHiddenAsync();
        await Expect(page.Row("key-row", "alice")).ToBeVisibleAsync();
        await page.AssertShowsNoSecretAsync(secrets, "key list after the one-time dialog");

        // Traffic with that key, through the API: three answers, then the limit.
        using var client = site.Relay.CreateClient(key);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var limited = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages())))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        // The dashboard counts it, charts it and names the key.
        await page.NavigateAsync("dashboard");
        await Expect(page.GetByTestId("kpi-requests")).ToContainTextAsync("4");
        await Expect(page.GetByTestId("top-keys")).ToContainTextAsync("alice");
        await Expect(page.GetByTestId("chart-requests")).ToBeVisibleAsync();

        // The key's page shows the limit used up.
        await page.NavigateAsync("keys");
        await page.Row("key-row", "alice").GetByTestId("key-row-name").ClickAsync();
        await Expect(page.GetByTestId("key-detail-name")).ToContainTextAsync("alice");
        var requestsLimit = page.GetByTestId("limit-bar").And(page.Locator("[data-meter=requests]"));
        await Expect(requestsLimit).ToContainTextAsync("3");
        await page.AssertShowsNoSecretAsync(secrets, "key page");

        // The usage log lists every request, the refused one marked, and exports them.
        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-testid=usage-row][data-status=error]")).ToHaveCountAsync(1);
        await page.GetByTestId("usage-filter-status").SelectOptionAsync("error");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(1);
        var export = await page.GetByTestId("usage-export").GetAttributeAsync("href");
        Assert.Contains("/api/usage/events.csv", export, StringComparison.Ordinal);
        var csv = await page.APIRequest.GetAsync(export!);
        Assert.Equal(200, csv.Status);
        var csvText = await csv.TextAsync();
        Assert.Contains("alice", csvText, StringComparison.Ordinal);
        Assert.Equal(2, csvText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + the one error

        // Revoke the key: the very next call is refused.
        await page.NavigateAsync("keys");
        await page.Row("key-row", "alice").GetByTestId("key-delete").ClickAsync();
        await page.ConfirmAsync();
        await Expect(page.GetByTestId("keys-empty")).ToBeVisibleAsync();
        using (var revoked = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages())))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }

        // Sign out: back to the sign-in page, and the old cookie is worthless.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "relay_session");
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("signin-form")).ToBeVisibleAsync();
        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(site.Relay.Url) };
        replay.DefaultRequestHeaders.Add("Cookie", $"relay_session={cookie.Value}");
        using (var afterSignOut = await replay.GetAsync("/api/accounts"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, afterSignOut.StatusCode);
        }

        problems.AssertNone();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_and_the_console_stays_closed()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);

        await page.GotoAsync("/admin/keys");
        await page.SignInAsync(site, password: "not-the-password-at-all");
        await Expect(page.GetByTestId("error-message")).ToContainTextAsync("Wrong user name or password");
        await Expect(page.GetByTestId("current-user")).ToHaveCountAsync(0);

        // The right password then lands on the page first asked for.
        await page.GetByTestId("signin-password").FillAsync(site.Password);
        await page.GetByTestId("signin-submit").ClickAsync();
        await Expect(page.GetByTestId("keys-empty")).ToBeVisibleAsync();
        Assert.EndsWith("/admin/keys", page.Url, StringComparison.Ordinal);
        problems.AssertNone();
    }
}
