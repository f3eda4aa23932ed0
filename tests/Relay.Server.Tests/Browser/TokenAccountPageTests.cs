using System.Net;
using System.Net.Http.Json;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>A token (OAuth) account imported through the API shows in the console and can be edited there without its tokens ever reaching the page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TokenAccountPageTests(Chromium chromium)
{
    [Fact]
    public async Task A_token_account_is_listed_and_edited_without_its_tokens_reaching_the_page()
    {
        await using var oauth = await FakeOAuthProvider.StartAsync();
        await using var site = await AdminSite.StartAsync(chromium, new RelayServerOptions { Settings = new Dictionary<string, string>(oauth.Settings("corp-sso")) });
        var (access, refresh) = oauth.SignIn();
        using (var created = await site.Relay.Admin.PostAsJsonAsync("api/accounts", new
        {
            name = "team-sso",
            baseUrl = site.UpstreamUrl("ok"),
            type = "oauth",
            oauth = new { provider = "corp-sso" },
            tokens = new { accessToken = access, refreshToken = refresh, expiresIn = 3600 },
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);
        await page.NavigateAsync("accounts");
        var row = page.Row("account-row", "team-sso");
        await Expect(row.GetByTestId("account-state")).ToHaveAttributeAsync("data-state", "active");

        await row.GetByTestId("account-edit").ClickAsync();
        await Expect(page.GetByTestId("account-oauth")).ToContainTextAsync("corp-sso");
        await Expect(page.GetByTestId("account-secret")).ToHaveCountAsync(0);
        await page.GetByTestId("account-priority").FillAsync("7");
        await page.GetByTestId("account-submit").ClickAsync();
        await Expect(page.GetByTestId("account-submit")).ToHaveCountAsync(0);
        var view = await site.Relay.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("api/accounts");
        var saved = view.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "team-sso");
        Assert.Equal(7, saved.GetProperty("priority").GetInt32());
        Assert.Equal("oauth", saved.GetProperty("type").GetString());
        await page.AssertShowsNoSecretAsync([access, refresh, .. site.Secrets], "accounts page with a token account");

        // Still a token account after the edit, and it still serves with its tokens.
        using var client = site.Relay.CreateClient(await KeyHolderPageTests.CreateKeyAsync(site, """{"name":"dana"}"""));
        using var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"Bearer {access}", site.Upstream.AllRequests[^1].Headers["authorization"]);
        problems.AssertNone();
    }
}
