using System.Net;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// Content logging from the console: off by default (no "View" in the usage log), switched on in Settings, then the
/// next request's prompt and answer can be read from the usage log, and "delete all" removes them again.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentLoggingPageTests(Chromium chromium)
{
    [Fact]
    public async Task An_operator_turns_content_logging_on_reads_a_request_and_deletes_all_content()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        await site.Relay.CreateAccountAsync(new AccountSpec { Name = "pool-1", BaseUrl = site.UpstreamUrl("ok") });
        var key = await KeyHolderPageTests.CreateKeyAsync(site, """{"name":"carol"}""");
        using var client = site.Relay.CreateClient(key);

        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);

        // Off by default: a request leaves a usage row with nothing to view.
        await SendAsync(client, "before logging: do not keep me");
        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("usage-view-content")).ToHaveCountAsync(0);

        // Switch it on in Settings; the next request is kept.
        await page.NavigateAsync("settings");
        await Expect(page.GetByTestId("settings-log-content")).Not.ToBeCheckedAsync();
        await page.GetByTestId("settings-log-content").CheckAsync();
        await page.GetByTestId("settings-submit").ClickAsync();
        await Expect(page.GetByTestId("settings-saved")).ToBeVisibleAsync();
        // A tall window rather than a full-page capture: the side navigation is fixed to the window's height.
        await page.SetViewportSizeAsync(1280, 1440);
        await Screenshots.SaveAsync(page, "settings");
        await page.SetViewportSizeAsync(1280, 860);
        await SendAsync(client, "after logging: the prompt an operator may read");

        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("usage-view-content")).ToHaveCountAsync(1);
        await page.GetByTestId("usage-view-content").ClickAsync();
        await Expect(page.GetByTestId("content-request")).ToContainTextAsync("after logging: the prompt an operator may read");
        await Expect(page.GetByTestId("content-response")).ToContainTextAsync("\"type\":\"message\"");
        await page.GetByTestId("modal-close").ClickAsync();

        // Delete everything that was kept.
        await page.NavigateAsync("settings");
        await page.GetByTestId("content-delete-all").ClickAsync();
        await page.ConfirmAsync();
        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("usage-view-content")).ToHaveCountAsync(0);
        problems.AssertNone();
    }

    private static async Task SendAsync(HttpClient client, string prompt)
    {
        using var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages(text: prompt)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
