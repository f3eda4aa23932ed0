using System.Net;
using System.Text.Json;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// Content logging from the console: off by default (no "View" in the usage log), switched on in Settings with its
/// retention and size (saved through the API), then the next request's prompt and answer can be read from the usage
/// log as plain text (markup in a prompt is never rendered), and "delete all" removes them again.
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
        await Expect(page.GetByTestId("settings-content")).ToContainTextAsync("prompts and answers");
        await page.GetByTestId("settings-log-content").CheckAsync();
        await page.GetByTestId("settings-content-retention").FillAsync("3");
        await page.GetByTestId("settings-content-max-bytes").FillAsync("8192");
        await page.GetByTestId("settings-submit").ClickAsync();
        await Expect(page.GetByTestId("settings-saved")).ToBeVisibleAsync();
        var settings = JsonDocument.Parse(await site.Relay.Admin.GetStringAsync("api/settings")).RootElement;
        Assert.True(settings.GetProperty("logContent").GetBoolean());
        Assert.Equal(3, settings.GetProperty("contentRetentionDays").GetInt32());
        Assert.Equal(8192, settings.GetProperty("contentMaxBytes").GetInt32());
        // A tall window rather than a full-page capture: the side navigation is fixed to the window's height.
        await page.SetViewportSizeAsync(1280, 1440);
        await Screenshots.SaveAsync(page, "settings");
        await page.SetViewportSizeAsync(1280, 860);
        // A prompt with markup: the dialog must show it as text, never render it.
        const string Prompt = "after logging: explain <b id=injected>bold</b> tags, please";
        await SendAsync(client, Prompt);
        await site.Relay.WaitForUsageAsync(2);

        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("usage-view-content")).ToHaveCountAsync(1);
        await page.GetByTestId("usage-view-content").ClickAsync();
        var dialog = page.GetByTestId("content-dialog");
        await Expect(dialog.GetByTestId("content-request")).ToContainTextAsync(Prompt);
        await Expect(dialog.GetByTestId("content-response")).ToContainTextAsync("\"type\":\"message\"");
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
        await dialog.GetByTestId("modal-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // Delete everything that was kept.
        await page.NavigateAsync("settings");
        await page.GetByTestId("content-delete-all").ClickAsync();
        await page.ConfirmAsync();
        await Expect(page.GetByTestId("settings-content")).ToContainTextAsync("All stored content was deleted.");
        var events = JsonDocument.Parse(await site.Relay.Admin.GetStringAsync("api/usage/events")).RootElement.GetProperty("items");
        Assert.All(events.EnumerateArray(), e => Assert.False(e.GetProperty("hasContent").GetBoolean()));
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
