using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>A subscription account's usage windows, reported by its upstream's headers, show as bars on the accounts page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsageWindowsPageTests(Chromium chromium)
{
    [Fact]
    public async Task An_account_shows_its_5h_and_7d_usage_windows_after_one_request()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        var prefix = "ok-windows-" + Guid.NewGuid().ToString("N")[..8];
        var fiveHours = DateTimeOffset.UtcNow.AddHours(2).AddMinutes(30);
        var sevenDays = DateTimeOffset.UtcNow.AddDays(3).AddHours(4);
        site.Upstream.Script(prefix, async (context, _) =>
        {
            var headers = context.Response.Headers;
            headers["anthropic-ratelimit-unified-status"] = "allowed";
            headers["anthropic-ratelimit-unified-representative-claim"] = "five_hour";
            headers["anthropic-ratelimit-unified-5h-utilization"] = "0.21";
            headers["anthropic-ratelimit-unified-5h-reset"] = fiveHours.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers["anthropic-ratelimit-unified-5h-status"] = "allowed";
            headers["anthropic-ratelimit-unified-7d-utilization"] = "0.87";
            headers["anthropic-ratelimit-unified-7d-reset"] = sevenDays.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers["anthropic-ratelimit-unified-7d-status"] = "allowed_warning";
            await FakeAnthropicUpstream.WriteJsonAsync(context, 200, UpstreamTranscripts.TextJson, Requests.DefaultModel);
        });
        var secret = "sk-ant-api03-" + RelayServer.RandomToken(40);
        using (var created = await site.Relay.Admin.PostAsJsonAsync("api/accounts", new { name = "claude-max", baseUrl = site.Upstream.BaseUrl(prefix), secret }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);
        await page.NavigateAsync("accounts");
        var row = page.Row("account-row", "claude-max");
        await Expect(row.GetByTestId("account-state")).ToHaveAttributeAsync("data-state", "active");
        await Expect(row.GetByTestId("account-usage-window")).ToHaveCountAsync(0);

        using var client = site.Relay.CreateClient(await KeyHolderPageTests.CreateKeyAsync(site, """{"name":"max-user"}"""));
        using (var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The page polls the accounts every 5 s; the bars appear without a reload.
        var view = await site.Relay.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("api/accounts");
        var account = view.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "claude-max");
        Assert.Equal(2, account.GetProperty("status").GetProperty("usageWindows").GetArrayLength());
        var fiveHour = row.Locator("[data-testid='account-usage-window'][data-window='5h']");
        var sevenDay = row.Locator("[data-testid='account-usage-window'][data-window='7d']");
        await Expect(fiveHour).ToBeVisibleAsync(new() { Timeout = 12_000 });
        await Expect(fiveHour.GetByTestId("usage-window-percent")).ToHaveTextAsync("21%");
        await Expect(fiveHour.GetByTestId("usage-window-reset")).ToContainTextAsync("resets in 2h");
        await Expect(sevenDay.GetByTestId("usage-window-percent")).ToHaveTextAsync("87%");
        await Expect(sevenDay.GetByTestId("usage-window-reset")).ToContainTextAsync("resets in 3d");
        await Expect(sevenDay).ToHaveAttributeAsync("data-status", "allowed_warning");
        await Expect(row.GetByTestId("account-usage-window")).ToHaveCountAsync(2);
        await Screenshots.SaveAsync(page, "accounts-usage-windows");
        await page.AssertShowsNoSecretAsync([secret, .. site.Secrets], "accounts page with usage windows");
        problems.AssertNone();
    }
}
