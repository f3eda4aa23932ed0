using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Relay.Server.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// Subscription accounts added from the accounts page: the built-in <c>claude</c> and <c>chatgpt</c> providers are
/// pointed at the fake OAuth provider, and the operator signs in with the browser (pasting back what the provider's
/// page shows), with a device code, or by importing a CLI's credentials. No token, code or pasted credential may be left
/// in the page, its storage or its address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SubscriptionSignInPageTests(Chromium chromium)
{
    [Fact]
    public async Task A_Claude_browser_sign_in_adds_an_account_shown_with_its_email_and_a_wrong_code_can_be_pasted_again()
    {
        await using var oauth = await FakeOAuthProvider.StartAsync();
        await using var site = await StartAsync(oauth);
        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);
        await page.NavigateAsync("accounts");

        var dialog = await page.OpenSubscriptionSignInAsync("claude", "browser");
        await Expect(dialog.GetByTestId("oauth-terms")).Not.ToBeEmptyAsync();
        await dialog.GetByTestId("oauth-name").FillAsync("claude-max");
        await Screenshots.SaveAsync(page, "accounts-signin");
        await dialog.GetByTestId("oauth-start").ClickAsync();

        var link = dialog.GetByTestId("oauth-authorize-url");
        await Expect(link).ToHaveAttributeAsync("target", "_blank");
        await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(dialog.GetByTestId("oauth-paste-hint")).ToContainTextAsync("the code shown after sign-in");
        await Expect(dialog.GetByTestId("oauth-code")).ToHaveAttributeAsync("autocomplete", "off");
        await Expect(dialog.GetByTestId("oauth-code")).ToHaveAttributeAsync("spellcheck", "false");
        await Screenshots.SaveAsync(page, "accounts-signin-claude");

        // The provider's page opens in a new tab of the same browser and shows CODE#STATE.
        var pasted = await SignInAtProviderAsync(page, link);
        Assert.Contains('#', pasted);

        // A wrong code: the API's message is shown and the dialog stays open for another paste.
        var state = pasted[(pasted.IndexOf('#', StringComparison.Ordinal) + 1)..];
        await dialog.GetByTestId("oauth-code").FillAsync("not-the-code#" + state);
        var refused = await page.RunAndWaitForResponseAsync(
            () => dialog.GetByTestId("oauth-complete").ClickAsync(),
            r => r.Url.EndsWith("/api/accounts/oauth/claude/complete", StringComparison.Ordinal));
        Assert.Equal(400, refused.Status);
        var message = JsonDocument.Parse(await refused.TextAsync()).RootElement.GetProperty("error").GetProperty("message").GetString()!;
        await Expect(dialog.GetByTestId("error-message")).ToHaveTextAsync(message);
        await Expect(dialog.GetByTestId("oauth-code")).ToBeEditableAsync();

        await dialog.GetByTestId("oauth-code").FillAsync(pasted);
        await dialog.GetByTestId("oauth-complete").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        var account = await AccountAsync(site, "claude-max");
        Assert.Equal("oauth", account.GetProperty("type").GetString());
        var email = account.GetProperty("oauth").GetProperty("email").GetString();
        Assert.False(string.IsNullOrEmpty(email));
        var row = page.Row("account-row", "claude-max");
        await Expect(row.GetByTestId("account-oauth-email")).ToHaveTextAsync(email!);
        await Expect(row.GetByTestId("account-oauth-expiry")).ToContainTextAsync("token expires in");
        await Expect(row.GetByTestId("account-signin-again")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "accounts-subscription");
        await page.AssertLeavesNoCredentialAsync([pasted, state, .. oauth.IssuedTokens, .. site.Secrets], "accounts page after a Claude sign-in");

        // Sign in again: the same dialog for that account, without the account fields; the account keeps its id.
        await row.GetByTestId("account-signin-again").ClickAsync();
        dialog = page.GetByTestId("oauth-dialog");
        await Expect(dialog.GetByTestId("oauth-method")).Not.ToHaveCountAsync(0);
        await Expect(dialog.GetByTestId("oauth-name")).ToHaveCountAsync(0);
        await Expect(dialog.GetByTestId("oauth-provider")).ToHaveCountAsync(0);
        await dialog.GetByTestId("oauth-start").ClickAsync();
        var again = await SignInAtProviderAsync(page, dialog.GetByTestId("oauth-authorize-url"));
        await dialog.GetByTestId("oauth-code").FillAsync(again);
        var completed = await page.RunAndWaitForResponseAsync(
            () => dialog.GetByTestId("oauth-complete").ClickAsync(),
            r => r.Url.EndsWith("/api/accounts/oauth/claude/complete", StringComparison.Ordinal));
        Assert.Equal(200, completed.Status);
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("account-row")).ToHaveCountAsync(1);
        Assert.Equal(account.GetProperty("id").GetString(), (await AccountAsync(site, "claude-max")).GetProperty("id").GetString());
        await page.AssertLeavesNoCredentialAsync([again, .. oauth.IssuedTokens, .. site.Secrets], "accounts page after signing in again");
        problems.AssertNone();
    }

    [Fact]
    public async Task A_ChatGPT_device_sign_in_on_a_phone_closes_the_dialog_by_itself_once_approved()
    {
        await using var oauth = await FakeOAuthProvider.StartAsync();
        await using var site = await StartAsync(oauth);
        var page = await site.NewPageAsync(width: 390, height: 844);
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);
        await page.NavigateAsync("accounts");

        var dialog = await page.OpenSubscriptionSignInAsync("chatgpt", "device");
        await dialog.GetByTestId("oauth-name").FillAsync("chatgpt-plus");
        await dialog.GetByTestId("oauth-start").ClickAsync();
        var userCode = dialog.GetByTestId("oauth-user-code");
        await Expect(userCode).Not.ToBeEmptyAsync();
        await Expect(dialog.GetByTestId("oauth-verification-url")).ToHaveAttributeAsync("rel", "noopener noreferrer");
        await Expect(dialog.GetByTestId("oauth-device-waiting")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"the sign-in dialog is {overflow}px wider than a 390px screen");
        await Screenshots.SaveAsync(page, "accounts-signin-device");

        oauth.ApproveDevice();
        await Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(page.Row("account-row", "chatgpt-plus")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("oauth-signed-in")).ToContainTextAsync("chatgpt-plus");
        var account = await AccountAsync(site, "chatgpt-plus");
        Assert.Equal("openai", account.GetProperty("platform").GetString());
        await page.AssertLeavesNoCredentialAsync([.. oauth.IssuedTokens, .. site.Secrets], "accounts page after a device sign-in");
        problems.AssertNone();
    }

    [Fact]
    public async Task A_Codex_auth_json_pasted_into_the_import_box_adds_an_account()
    {
        await using var oauth = await FakeOAuthProvider.StartAsync();
        await using var site = await StartAsync(oauth);
        var page = await site.NewPageAsync();
        var problems = new PageProblems(page);
        await page.OpenConsoleAsync(site);
        await page.NavigateAsync("accounts");

        var (access, refresh) = oauth.SignIn();
        var authJson = CodexAuthJson(access, refresh, "codex-user@example.com");
        var dialog = await page.OpenSubscriptionSignInAsync("chatgpt", "import");
        await Expect(dialog.GetByTestId("oauth-import-hint")).ToContainTextAsync("~/.codex/auth.json");
        await Expect(dialog.GetByTestId("oauth-import-warning")).ToContainTextAsync("signs that CLI out");
        await Expect(dialog.GetByTestId("oauth-import-text")).ToHaveAttributeAsync("spellcheck", "false");

        // Something that is not an auth.json: the API's message, and the dialog stays open.
        await dialog.GetByTestId("oauth-name").FillAsync("codex-import");
        await dialog.GetByTestId("oauth-import-text").FillAsync("""{"not":"an auth.json"}""");
        await dialog.GetByTestId("oauth-import").ClickAsync();
        await Expect(dialog.GetByTestId("error-message")).Not.ToBeEmptyAsync();

        await dialog.GetByTestId("oauth-import-text").FillAsync(authJson);
        await dialog.GetByTestId("oauth-import").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        var row = page.Row("account-row", "codex-import");
        await Expect(row.GetByTestId("account-oauth-email")).ToHaveTextAsync("codex-user@example.com");
        await page.AssertLeavesNoCredentialAsync([access, refresh, authJson, .. site.Secrets], "accounts page after an import");
        problems.AssertNone();
    }

    /// <summary>Clicks the authorize link (a new tab of the same browser), reads CODE#STATE from the provider's page and closes it.</summary>
    private static async Task<string> SignInAtProviderAsync(IPage page, ILocator link)
    {
        var providerPage = await page.Context.RunAndWaitForPageAsync(() => link.ClickAsync());
        await Expect(providerPage.Locator("#code")).Not.ToBeEmptyAsync();
        var pasted = (await providerPage.Locator("#code").InnerTextAsync()).Trim();
        await providerPage.CloseAsync();
        return pasted;
    }

    private Task<AdminSite> StartAsync(FakeOAuthProvider oauth) =>
        AdminSite.StartAsync(chromium, new RelayServerOptions
        {
            Settings = new Dictionary<string, string>(oauth.Settings("claude").Concat(oauth.Settings("chatgpt"))),
        });

    private static async Task<JsonElement> AccountAsync(AdminSite site, string name)
    {
        var view = await site.Relay.Admin.GetFromJsonAsync<JsonElement>("api/accounts");
        return view.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
    }

    /// <summary>A Codex CLI <c>~/.codex/auth.json</c> whose id token (any signature: only its claims are read) names the account.</summary>
    private static string CodexAuthJson(string accessToken, string refreshToken, string email)
    {
        static string Part(object value) =>
            Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var idToken = Part(new { alg = "RS256", typ = "JWT" }) + "." + Part(new Dictionary<string, object>
        {
            ["email"] = email,
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
            ["https://api.openai.com/auth"] = new Dictionary<string, string> { ["chatgpt_plan_type"] = "plus", ["chatgpt_account_id"] = "acct-test-1" },
        }) + "." + Part(RelayServer.RandomToken(32));
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["OPENAI_API_KEY"] = null,
            ["tokens"] = new Dictionary<string, string> { ["id_token"] = idToken, ["access_token"] = accessToken, ["refresh_token"] = refreshToken, ["account_id"] = "acct-test-1" },
            ["last_refresh"] = DateTimeOffset.UtcNow.ToString("O"),
        });
    }
}
