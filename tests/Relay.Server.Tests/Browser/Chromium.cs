using Microsoft.Playwright;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// One headless Debian Chromium (<c>/usr/bin/chromium</c>, installed by test.sh) driven by Playwright, shared by every
/// browser test. Playwright's own browser downloads are never used: the executable is always given.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Overrides the browser executable (any Chromium ≥ the one Playwright targets).</summary>
    public const string ExecutableVariable = "RELAY_CHROMIUM";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"Browser tests need Chromium at {executable}. `bash test.sh` installs Debian's package (apt-get install chromium); set {ExecutableVariable} to use another.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in a container has no user namespace for Chromium's sandbox; /dev/shm is often tiny there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Browser tests share one Chromium and run one after another (two cores; pages time their own waits).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
