using Microsoft.Playwright;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// Saves screenshots the browser tests take into the repository's docs/screenshots/ (shown in the README), so the
/// pictures always show the UI as the tests last saw it. Outside a checkout (no Relay.slnx above the test binaries)
/// they go to the temp directory instead; RELAY_SCREENSHOTS_DIR overrides both.
/// </summary>
public static class Screenshots
{
    public static string Directory { get; } = Locate();

    public static async Task SaveAsync(IPage page, string name, bool fullPage = false)
    {
        // Charts animate and fonts load late; wait for both before the picture.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.EvaluateAsync("() => document.fonts ? document.fonts.ready : null");
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(Directory, name + ".png"),
            FullPage = fullPage,
            Animations = ScreenshotAnimations.Disabled,
        });
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("RELAY_SCREENSHOTS_DIR") is { Length: > 0 } configured)
        {
            return System.IO.Directory.CreateDirectory(configured).FullName;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relay.slnx")))
            {
                return System.IO.Directory.CreateDirectory(Path.Combine(dir.FullName, "docs", "screenshots")).FullName;
            }
        }

        return System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "relay-screenshots")).FullName;
    }
}
