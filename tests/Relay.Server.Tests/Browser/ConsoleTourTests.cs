using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Relay.Core.Snapshots;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// Every page of the console on a relay with a realistic pool — a healthy account, one cooling after a 429, one whose
/// credential was rejected — plus groups, a shared policy, keys and traffic: each page renders its data without a
/// script error or CSP violation, at desktop and phone widths, shows no secret, and is photographed for the docs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleTourTests(Chromium chromium)
{
    private static readonly string[] Pages = ["dashboard", "accounts", "keys", "groups", "policies", "prices", "usage", "settings"];

    [Fact]
    public async Task Every_page_shows_the_pool_and_its_traffic_without_errors_or_secrets_at_desktop_and_phone_width()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        var (healthy, _, _) = await BuildTeamAsync(site);
        var secrets = site.Secrets.ToList();

        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);

        // Dashboard: the pool's health with the cooling account's countdown and the failed one's reason.
        await Expect(page.GetByTestId("pool-cooling")).ToContainTextAsync("1");
        await Expect(page.GetByTestId("pool-error")).ToContainTextAsync("1");
        await Expect(page.GetByTestId("health-countdown").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("top-models")).ToContainTextAsync(Requests.DefaultModel);
        await Screenshots.SaveAsync(page, "dashboard");

        foreach (var section in Pages.Skip(1))
        {
            await page.NavigateAsync(section);
            await Expect(page.GetByTestId("error-message")).ToHaveCountAsync(0);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.AssertShowsNoSecretAsync(secrets, section);
            if (section != "settings")
            {
                // The settings picture is taken with content logging switched on (ContentLoggingPageTests).
                await Screenshots.SaveAsync(page, section == "usage" ? "usage-log" : section);
            }
        }

        // A form shows the API's own message when it refuses: group names are unique.
        await page.NavigateAsync("groups");
        await page.GetByTestId("group-create").ClickAsync();
        await page.GetByTestId("group-name").FillAsync("Research");
        await page.GetByTestId("group-submit").ClickAsync();
        await Expect(page.GetByTestId("error-message")).ToContainTextAsync("already");
        await page.GetByTestId("modal-close").ClickAsync();
        await Expect(page.GetByTestId("group-row")).ToHaveCountAsync(1);

        // Prices: an override made in the form shows as such, and reverting it brings the shipped price back.
        await page.NavigateAsync("prices");
        var haiku = page.Locator("[data-testid=price-row][data-model='claude-haiku-4-5']");
        await haiku.GetByTestId("price-edit").ClickAsync();
        await page.GetByTestId("price-input").FillAsync("0.5");
        await page.GetByTestId("price-submit").ClickAsync();
        await Expect(haiku.GetByTestId("price-revert")).ToBeVisibleAsync();
        Assert.Equal(0.5m, site.Relay.Services.GetRequiredService<ISnapshotSource>().Current.Prices.Find("claude-haiku-4-5")!.Input);
        await haiku.GetByTestId("price-revert").ClickAsync();
        await page.ConfirmAsync();
        await Expect(haiku.GetByTestId("price-revert")).ToHaveCountAsync(0);
        Assert.NotEqual(0.5m, site.Relay.Services.GetRequiredService<ISnapshotSource>().Current.Prices.Find("claude-haiku-4-5")!.Input);

        // Accounts name their states; the key page draws its charts and limits.
        await page.NavigateAsync("accounts");
        await Expect(page.Row("account-row", "claude-backup").GetByTestId("account-state")).ToHaveAttributeAsync("data-state", "cooling");
        await Expect(page.Row("account-row", "claude-expired").GetByTestId("account-state")).ToHaveAttributeAsync("data-state", "error");
        await Expect(page.Row("account-row", "claude-expired").GetByTestId("account-last-error")).ToContainTextAsync("401");
        await Expect(page.Row("account-row", "team-claude-1").GetByTestId("account-row-name")).ToBeVisibleAsync();

        await page.NavigateAsync("keys");
        await page.Row("key-row", "alice").GetByTestId("key-row-name").ClickAsync();
        await Expect(page.GetByTestId("key-chart-requests")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("limit-bars")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "key-detail");

        // Phone width: the navigation folds into a menu, and pages still work.
        var phone = await site.NewPageAsync(width: 390, height: 844);
        var phoneProblems = new PageProblems(phone);
        await phone.OpenConsoleAsync(site);
        await Expect(phone.GetByTestId("menu-toggle")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(phone, "phone-dashboard");
        await phone.NavigateAsync("keys");
        await Expect(phone.Row("key-row", "alice")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(phone, "phone-keys");
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"the page is {overflow}px wider than a 390px screen (tables should scroll inside their box)");

        problems.AssertNone();
        phoneProblems.AssertNone();
        Assert.NotEmpty(healthy);
    }

    /// <summary>
    /// Three accounts (tried in priority order: the one answering 429 cools, the one answering 401 goes to error, the
    /// healthy one serves), a group, a shared policy, three keys, and a few requests from each key.
    /// </summary>
    private static async Task<(string Healthy, string Cooling, string Failed)> BuildTeamAsync(AdminSite site)
    {
        var relay = site.Relay;
        var cooling = await relay.CreateAccountAsync(new AccountSpec { Name = "claude-backup", BaseUrl = site.UpstreamUrl(FakeAnthropicUpstream.Scenarios.RateLimited), Priority = 10 });
        var failed = await relay.CreateAccountAsync(new AccountSpec { Name = "claude-expired", BaseUrl = site.UpstreamUrl(FakeAnthropicUpstream.Scenarios.AuthError), Priority = 20 });
        var healthy = await relay.CreateAccountAsync(new AccountSpec { Name = "team-claude-1", BaseUrl = site.UpstreamUrl(FakeAnthropicUpstream.Scenarios.Ok), Priority = 50 });

        var group = await PostAsync(site, "api/groups", $$"""{"name":"research","description":"Research team's accounts","accounts":["{{healthy.Id}}"]}""");
        var policy = await PostAsync(site, "api/policies",
            """{"name":"interns","description":"Haiku and Sonnet, $5 a day","policy":{"models":{"allow":["claude-*"]}},"limits":[{"meter":"cost","window":"1d","max":5},{"meter":"requests","window":"1m","max":30}]}""");
        var alice = await KeyHolderPageTests.CreateKeyAsync(site, $$"""{"name":"alice","policyId":"{{policy.GetProperty("id").GetString()}}"}""");
        var bob = await KeyHolderPageTests.CreateKeyAsync(site, """{"name":"bob","limits":[{"meter":"tokens","window":"1d","max":200000}],"expires":{"afterFirstUse":"30d"}}""");
        var groupId = group.GetProperty("id").GetString();
        var ci = await KeyHolderPageTests.CreateKeyAsync(site, $$$"""{"name":"ci-pipeline","policy":{"group":"{{{groupId}}}"}}""");

        foreach (var (key, count) in new[] { (alice, 5), (bob, 3), (ci, 2) })
        {
            using var client = relay.CreateClient(key);
            for (var i = 0; i < count; i++)
            {
                using var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages(stream: i % 2 == 1)));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await response.Content.ReadAsStringAsync();
            }
        }

        await relay.FlushUsageAsync();
        return (healthy.Id, cooling.Id, failed.Id);
    }

    private static async Task<JsonElement> PostAsync(AdminSite site, string path, string json)
    {
        using var response = await site.Relay.Admin.PostAsync(path, Requests.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
