using System.Net;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>The key holder's own page at /me: paste the key, see usage, limits, expiry and models; nothing else.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyHolderPageTests(Chromium chromium)
{
    [Fact]
    public async Task A_key_holder_sees_their_usage_limits_expiry_and_models_and_the_key_stays_in_the_tab()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        await site.Relay.CreateAccountAsync(new AccountSpec { Name = "pool-1", BaseUrl = site.UpstreamUrl("ok") });
        var key = await CreateKeyAsync(site, """{"name":"bob","limits":[{"meter":"requests","window":"1d","max":100}],"expires":{"afterFirstUse":"30d"}}""");
        using (var client = site.Relay.CreateClient(key))
        {
            for (var i = 0; i < 2; i++)
            {
                using var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages()));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.GotoAsync("/me");
        await page.GetByTestId("me-key-input").FillAsync(key);
        await page.GetByTestId("me-submit").ClickAsync();

        await Expect(page.GetByTestId("me-key-name")).ToContainTextAsync("bob");
        await Expect(page.GetByTestId("me-usage-today")).ToContainTextAsync("2");
        await Expect(page.GetByTestId("me-limits")).ToContainTextAsync("100");
        await Expect(page.GetByTestId("me-expiry")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("me-model").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "me");

        // The key lives only in this tab's session storage, never in local storage or a cookie, and not in the page.
        Assert.Equal(key, await page.EvaluateAsync<string?>("() => sessionStorage.getItem('relay.me.key')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty(await page.Context.CookiesAsync());
        await page.AssertShowsNoSecretAsync([key, site.Relay.AdminToken], "/me");

        // A reload keeps it (same tab); "forget" drops it.
        await page.ReloadAsync();
        await Expect(page.GetByTestId("me-key-name")).ToContainTextAsync("bob");
        await page.GetByTestId("me-forget").ClickAsync();
        await Expect(page.GetByTestId("me-key-input")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('relay.me.key')"));

        // A key that is not valid gets a message, not a blank page.
        await page.GetByTestId("me-key-input").FillAsync("cr_" + RelayServer.RandomToken(40));
        await page.GetByTestId("me-submit").ClickAsync();
        await Expect(page.GetByTestId("error-message")).ToBeVisibleAsync();
        problems.AssertNone();
    }

    internal static async Task<string> CreateKeyAsync(AdminSite site, string json)
    {
        using var response = await site.Relay.Admin.PostAsync("api/keys", Requests.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("key").GetString()!;
    }
}
