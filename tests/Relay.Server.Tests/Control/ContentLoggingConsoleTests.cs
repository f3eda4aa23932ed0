using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Relay.Server.Tests.Browser;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Control;

/// <summary>
/// Content logging from the console: the Settings page turns it on (with its warning), the usage log's "View" shows
/// what was stored as plain text (markup in a prompt stays text), and "Delete all stored content" empties it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentLoggingConsoleTests(Chromium chromium)
{
    [Fact]
    public async Task An_operator_turns_content_logging_on_reads_a_request_and_deletes_everything()
    {
        await using var site = await AdminSite.StartAsync(chromium);
        await site.Relay.CreateAccountAsync(new AccountSpec { Name = "team-claude-1", BaseUrl = site.UpstreamUrl("ok") });
        var key = await site.Relay.CreateKeyAsync("alice");
        using var client = site.Relay.CreateClient(key.Key);
        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);

        // Off by default; the section warns what turning it on means.
        await page.NavigateAsync("settings");
        var toggle = page.GetByTestId("settings-log-content");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(page.GetByTestId("settings-content")).ToContainTextAsync("prompts and answers");
        await toggle.CheckAsync();
        await page.GetByTestId("settings-content-retention").FillAsync("3");
        await page.GetByTestId("settings-content-max-bytes").FillAsync("8192");
        await page.GetByTestId("settings-submit").ClickAsync();
        await Expect(page.GetByTestId("settings-saved")).ToBeVisibleAsync();
        var settings = JsonDocument.Parse(await site.Relay.Admin.GetStringAsync("api/settings")).RootElement;
        Assert.True(settings.GetProperty("logContent").GetBoolean());
        Assert.Equal(3, settings.GetProperty("contentRetentionDays").GetInt32());
        Assert.Equal(8192, settings.GetProperty("contentMaxBytes").GetInt32());

        // One request whose prompt carries markup: the dialog must show it as text, never render it.
        const string Prompt = "Explain <b id=injected>bold</b> tags, please";
        using (var response = await client.SendAsync(Requests.Post("/v1/messages", Requests.Messages(text: Prompt))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await site.Relay.WaitForUsageAsync(1);
        await page.NavigateAsync("usage");
        await page.GetByTestId("usage-view-content").First.ClickAsync();
        var dialog = page.GetByTestId("content-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByTestId("content-request")).ToContainTextAsync(Prompt);
        await Expect(dialog.GetByTestId("content-response")).ToContainTextAsync("\"type\":\"message\"");
        Assert.Equal(0, await page.Locator("#injected").CountAsync());
        await dialog.GetByTestId("modal-close").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        // Delete everything, after confirming.
        await page.NavigateAsync("settings");
        await page.GetByTestId("content-delete-all").ClickAsync();
        await page.ConfirmAsync();
        await Expect(page.GetByTestId("settings-content")).ToContainTextAsync("All stored content was deleted.");
        var events = JsonDocument.Parse(await site.Relay.Admin.GetStringAsync("api/usage/events")).RootElement.GetProperty("items");
        Assert.All(events.EnumerateArray(), e => Assert.False(e.GetProperty("hasContent").GetBoolean()));
        await page.NavigateAsync("usage");
        await Expect(page.GetByTestId("usage-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("usage-view-content")).ToHaveCountAsync(0);

        problems.AssertNone();
    }
}
