using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Core.Snapshots;
using Relay.Server.Hosting;

namespace Relay.Server.Tests.Control;

/// <summary>
/// The real relay on a loopback port with its own data directory and admin token, every log line
/// captured (so tests can prove no secret is logged), plus small raw-HTTP helpers that return the
/// response text so tests can search it for secrets.
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    private readonly bool _ownsDataDir;

    private ControlServer(WebApplication app, string dataDir, string? adminToken, ControlLogSink logs, bool ownsDataDir, StringWriter startupOutput)
    {
        StartupOutput = startupOutput.ToString();
        App = app;
        DataDir = dataDir;
        AdminToken = adminToken;
        Logs = logs;
        _ownsDataDir = ownsDataDir;
        Url = app.Urls.First().TrimEnd('/');
        // Trusts the relay's own certificate only when it serves HTTPS (StartHttpsAsync's self-signed one).
        Client = new HttpClient(TrustingHandler()) { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (adminToken is not null)
        {
            Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        }
    }

    public WebApplication App { get; }
    public string Url { get; }
    public string DataDir { get; }

    /// <summary>Null when the server was started without a configured token (it then generates and stores one).</summary>
    public string? AdminToken { get; }

    /// <summary>Sends the admin token.</summary>
    public HttpClient Client { get; }

    public ControlLogSink Logs { get; }

    /// <summary>What the server printed to the console at startup (generated credentials, shown once).</summary>
    public string StartupOutput { get; }

    public RelaySnapshot Snapshot => App.Services.GetRequiredService<ISnapshotSource>().Current;

    public static string NewDataDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "relay-control-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A handler that accepts any server certificate: tests start the relay with a self-signed one on loopback.</summary>
    public static HttpClientHandler TrustingHandler(bool useCookies = true) => new()
    {
        UseCookies = useCookies,
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    };

    public static string RandomToken(int length = 32) =>
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(length))[..length];

    public static Task<ControlServer> StartAsync(string? dataDir = null, bool configureAdminToken = true, int pollMilliseconds = 200, params string[] extraArgs) =>
        StartAsync(dataDir, configureAdminToken, pollMilliseconds, configure: null, extraArgs);

    /// <summary>The relay listening on https://127.0.0.1 with <paramref name="certificate"/>, as behind no proxy with real TLS.</summary>
    public static Task<ControlServer> StartHttpsAsync(X509Certificate2 certificate) =>
        StartAsync(
            dataDir: null,
            configureAdminToken: true,
            pollMilliseconds: 200,
            configure: builder => builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate)),
            "--Relay:Urls=https://127.0.0.1:0");

    private static async Task<ControlServer> StartAsync(string? dataDir, bool configureAdminToken, int pollMilliseconds, Action<WebApplicationBuilder>? configure, params string[] extraArgs)
    {
        var ownsDataDir = dataDir is null;
        dataDir ??= NewDataDir();
        var adminToken = configureAdminToken ? "ra_test_" + RandomToken(40) : null;
        List<string> args =
        [
            "--Relay:Urls=http://127.0.0.1:0",
            $"--Relay:DataDir={dataDir}",
            $"--Relay:ConfigPollMilliseconds={pollMilliseconds}",
        ];
        if (adminToken is not null)
        {
            args.Add($"--Relay:AdminToken={adminToken}");
        }

        args.AddRange(extraArgs);
        var startupOutput = new StringWriter();

        var logs = new ControlLogSink();
        var app = await RelayApp.BuildAsync([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton(new RelayApp.StartupConsole(startupOutput));
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new ControlServer(app, dataDir, adminToken, logs, ownsDataDir, startupOutput);
    }

    public async Task<(int Status, string Text)> SendAsync(HttpMethod method, string path, string? json = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await (client ?? Client).SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(int Status, string Text)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Status, string Text)> PostAsync(string path, string? json) => SendAsync(HttpMethod.Post, path, json);

    public Task<(int Status, string Text)> PatchAsync(string path, string json) => SendAsync(HttpMethod.Patch, path, json);

    /// <summary>Creates an account and returns its parsed view.</summary>
    public async Task<JsonElement> CreateAccountAsync(string name, string secret, string extraJson = "")
    {
        var (status, text) = await PostAsync("api/accounts", $$"""{"name":"{{name}}","secret":"{{secret}}"{{extraJson}}}""");
        Assert.True(status == 201, text);
        return Parse(text);
    }

    public static JsonElement Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts the Control API error envelope.</summary>
    public static void AssertError(int expectedStatus, string expectedType, (int Status, string Text) response)
    {
        Assert.True(response.Status == expectedStatus, $"expected {expectedStatus}, got {response.Status}: {response.Text}");
        var error = Parse(response.Text).GetProperty("error");
        Assert.Equal(expectedType, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDataDir)
        {
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment on some platforms; a temp dir left behind is harmless.
            }
        }
    }
}

/// <summary>Keeps every formatted log line (with exception text) in memory.</summary>
public sealed class ControlLogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ControlLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}

/// <summary>One server shared by the tests of a class (each test uses its own accounts and keys).</summary>
public sealed class ControlServerFixture : IAsyncLifetime
{
    public ControlServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ControlServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
