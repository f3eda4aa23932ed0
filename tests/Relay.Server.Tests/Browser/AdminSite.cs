using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Relay.Server.Control.Sessions;
using Relay.Server.Tests.Infrastructure;

namespace Relay.Server.Tests.Browser;

/// <summary>
/// What a browser test runs against: the real relay (its own SQLite data directory) serving the admin UI, a fake
/// Anthropic upstream for traffic, and an admin user with a known password. Pages open in their own browser context,
/// so cookies and session storage never leak between tests.
/// </summary>
public sealed class AdminSite : IAsyncDisposable
{
    public const string Username = "operator";

    private readonly List<IBrowserContext> _contexts = [];

    private AdminSite(IBrowser browser, RelayServer relay, FakeAnthropicUpstream upstream, string password)
    {
        Browser = browser;
        Relay = relay;
        Upstream = upstream;
        Password = password;
    }

    public IBrowser Browser { get; }
    public RelayServer Relay { get; }
    public FakeAnthropicUpstream Upstream { get; }
    public string Password { get; }

    /// <summary>Every secret the site has: admin token, the operator's password, plus what the relay fixture tracks.</summary>
    public IEnumerable<string> Secrets => Relay.KnownSecrets.Append(Password);

    public static async Task<AdminSite> StartAsync(Chromium chromium, RelayServerOptions? options = null)
    {
        var upstream = await FakeAnthropicUpstream.StartAsync();
        var relay = await RelayServer.StartAsync(options);
        var password = "pw-" + RelayServer.RandomToken(24);
        var added = await relay.Services.GetRequiredService<AdminUserService>().AddAsync(Username, password, CancellationToken.None);
        Assert.Null(added.Error);
        return new AdminSite(chromium.Browser, relay, upstream, password);
    }

    /// <summary>A fresh page (own cookies and storage) at the given viewport, resolving relative URLs against the relay.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Relay.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = 1,
            Locale = "en-US",
            TimezoneId = "UTC",
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        return page;
    }

    /// <summary>The base URL an Anthropic-platform account needs so the fake upstream plays <paramref name="scenario"/>.</summary>
    public string UpstreamUrl(string scenario) =>
        Upstream.BaseUrl($"{scenario}-{Guid.NewGuid().ToString("N")[..8]}");

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        await Relay.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
