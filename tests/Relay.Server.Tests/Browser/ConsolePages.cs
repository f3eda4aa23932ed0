using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>What a person does in the admin console, written once so the tests read like the steps they check.</summary>
public static class ConsolePages
{
    /// <summary>Signs in through the sign-in page (the page must show it) and waits for the console.</summary>
    public static async Task SignInAsync(this IPage page, AdminSite site, string? password = null)
    {
        await page.GetByTestId("signin-username").FillAsync(AdminSite.Username);
        await page.GetByTestId("signin-password").FillAsync(password ?? site.Password);
        await page.GetByTestId("signin-submit").ClickAsync();
        if (password is null)
        {
            await Expect(page.GetByTestId("current-user")).ToContainTextAsync(AdminSite.Username);
        }
    }

    /// <summary>Opens /admin, signs in, and lands on the dashboard.</summary>
    public static async Task OpenConsoleAsync(this IPage page, AdminSite site)
    {
        await page.GotoAsync("/admin/");
        await page.SignInAsync(site);
        await Expect(page.GetByTestId("kpi-requests")).ToBeVisibleAsync();
    }

    /// <summary>Follows a link of the side navigation (behind the menu button on narrow screens).</summary>
    public static async Task NavigateAsync(this IPage page, string section)
    {
        var link = page.GetByTestId("nav-" + section);
        if (!await link.IsVisibleAsync())
        {
            await page.GetByTestId("menu-toggle").ClickAsync();
        }

        await link.ClickAsync();
    }

    /// <summary>Answers the confirmation dialog a destructive action opens.</summary>
    public static async Task ConfirmAsync(this IPage page)
    {
        await page.GetByTestId("confirm-ok").ClickAsync();
        await Expect(page.GetByTestId("confirm-dialog")).ToBeHiddenAsync();
    }

    /// <summary>The table row (by its test id) that shows <paramref name="name"/>.</summary>
    public static ILocator Row(this IPage page, string rowTestId, string name) =>
        page.GetByTestId(rowTestId).Filter(new LocatorFilterOptions { HasText = name });

    /// <summary>
    /// On the accounts page: opens "Add subscription account", picks <paramref name="provider"/> and
    /// <paramref name="method"/> (browser, setup-token, device, import) and returns the dialog.
    /// </summary>
    public static async Task<ILocator> OpenSubscriptionSignInAsync(this IPage page, string provider, string method)
    {
        await page.GetByTestId("account-add-subscription").ClickAsync();
        var dialog = page.GetByTestId("oauth-dialog");
        await dialog.Locator($"[data-testid='oauth-provider'][data-provider='{provider}']").ClickAsync();
        await dialog.Locator($"[data-testid='oauth-method'][data-method='{method}']").ClickAsync();
        return dialog;
    }

    /// <summary>
    /// Nothing of a sign-in is left behind: no secret in the document (see <see cref="AssertShowsNoSecretAsync"/>)
    /// or the address, and nothing in the page's local or session storage.
    /// </summary>
    public static async Task AssertLeavesNoCredentialAsync(this IPage page, IEnumerable<string> secrets, string where)
    {
        var list = secrets.ToList();
        await page.AssertShowsNoSecretAsync(list, where);
        foreach (var secret in list.Where(s => s.Length >= 8))
        {
            Assert.False(page.Url.Contains(secret, StringComparison.Ordinal), $"{where}: the address contains a secret ({secret[..6]}…)");
        }

        var stored = await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length");
        Assert.True(stored == 0, $"{where}: the page stored {stored} item(s) in local or session storage");
    }

    /// <summary>
    /// The page's whole current document (what "view source" of the live page shows), which must not contain a
    /// relay key, an upstream secret, the admin token or a password.
    /// </summary>
    public static async Task AssertShowsNoSecretAsync(this IPage page, IEnumerable<string> secrets, string where)
    {
        var html = await page.ContentAsync();
        foreach (var secret in secrets.Where(s => s.Length >= 8))
        {
            Assert.False(html.Contains(secret, StringComparison.Ordinal), $"{where}: the page contains a secret ({secret[..6]}…)");
        }
    }
}

/// <summary>
/// Records what a page reports as broken: script errors, CSP violations and server errors (5xx). Answers of 4xx are
/// part of the UI's normal work (the "is anyone signed in?" probe answers 401, a form shows a 400's message), so the
/// browser's "Failed to load resource" lines for them are not problems.
/// </summary>
public sealed class PageProblems
{
    private readonly List<string> _problems = [];

    public PageProblems(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Add($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => Add("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                Add($"{response.Status} from {response.Request.Method} {response.Url}");
            }
        };
    }

    public void AssertNone()
    {
        lock (_problems)
        {
            Assert.True(_problems.Count == 0, string.Join("\n", _problems));
        }
    }

    private void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
