using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Core.Storage;
using Relay.Core.Usage;
using Relay.Server.Hosting;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// The real relay (<see cref="RelayApp.BuildAsync"/>) on a loopback port with its own SQLite data directory,
/// an admin token, every log line captured, and helpers that create accounts and keys through the Control API.
/// Until the Control API answers, the same helpers write through the store and refresh the snapshot instead.
/// </summary>
public sealed partial class RelayServer : IAsyncDisposable
{
    private readonly CapturingLoggerProvider _logs;
    private readonly ConcurrentQueue<UsageEvent> _usage;
    private readonly ConcurrentBag<string> _secrets = [];
    private bool? _controlApi;

    private RelayServer(WebApplication app, string dataDir, string adminToken, CapturingLoggerProvider logs, ConcurrentQueue<UsageEvent> usage)
    {
        App = app;
        DataDir = dataDir;
        AdminToken = adminToken;
        _logs = logs;
        _usage = usage;
        _secrets.Add(adminToken);
        Url = app.Urls.First().TrimEnd('/');
        Admin = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Url { get; }
    public string DataDir { get; }
    public string AdminToken { get; }

    /// <summary>A client for the Control API, authenticated with the admin token.</summary>
    public HttpClient Admin { get; }

    public IReadOnlyList<CapturedLog> Logs => _logs.Lines;

    /// <summary>Every secret this fixture created or was given: admin token, relay keys, account secrets.</summary>
    public IReadOnlyCollection<string> KnownSecrets => [.. _secrets];

    /// <summary>Adds a secret the log check must never find (e.g. a proxy password).</summary>
    public void AddKnownSecret(string secret) => _secrets.Add(secret);

    public static async Task<RelayServer> StartAsync(RelayServerOptions? options = null)
    {
        options ??= new RelayServerOptions();
        var dataDir = options.DataDir ?? Path.Combine(Path.GetTempPath(), "relay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var adminToken = "ra_test_" + RandomToken(40);

        var settings = new Dictionary<string, string>(RelayServerOptions.Defaults, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in options.Settings)
        {
            settings[name] = value;
        }

        settings["Urls"] = "http://127.0.0.1:0";
        settings["DataDir"] = dataDir;
        settings["AdminToken"] = adminToken;
        string[] args = [.. settings.Select(s => $"--Relay:{s.Key}={s.Value}")];

        var logs = new CapturingLoggerProvider();
        var usage = new ConcurrentQueue<UsageEvent>();
        var app = await RelayApp.BuildAsync(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddProvider(logs);
            builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug);

            // The real SQLite usage store, with every appended event also kept in memory for exact assertions.
            builder.Services.AddSingleton<IUsageStore>(sp => new RecordingUsageStore(CreateRealUsageStore(sp), usage));
            options.Configure?.Invoke(builder);
        }).ConfigureAwait(false);

        await app.StartAsync().ConfigureAwait(false);
        return new RelayServer(app, dataDir, adminToken, logs, usage) { _keepDataDir = options.DataDir is not null };
    }

    /// <summary>A client for inference calls, with the relay key in x-api-key (or as Bearer when <paramref name="bearer"/>).</summary>
    public HttpClient CreateClient(string? relayKey = null, bool bearer = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = new Uri(Url + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (relayKey is not null)
        {
            if (bearer)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", relayKey);
            }
            else
            {
                client.DefaultRequestHeaders.Add("x-api-key", relayKey);
            }
        }

        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }


    /// <summary>Log lines that contain any of <see cref="KnownSecrets"/> (should always be empty).</summary>
    public IReadOnlyList<(CapturedLog Line, string Secret)> LogLinesWithSecrets() =>
        [.. from line in Logs from secret in KnownSecrets where secret.Length >= 8 && line.Text.Contains(secret, StringComparison.Ordinal) select (line, secret)];

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();

        // Debugging aid: PROXY_TEST_LOG_DIR=/some/dir keeps each relay's captured log lines.
        if (Environment.GetEnvironmentVariable("PROXY_TEST_LOG_DIR") is { Length: > 0 } logDir)
        {
            Directory.CreateDirectory(logDir);
            await File.WriteAllLinesAsync(Path.Combine(logDir, Path.GetFileName(DataDir) + ".log"), Logs.Select(l => l.ToString())).ConfigureAwait(false);
        }

        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await App.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await App.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                if (!_keepDataDir)
                {
                    Directory.Delete(DataDir, recursive: true);
                }
            }
            catch (IOException)
            {
                // A file still open on some platforms; the temp directory is cleaned by the OS.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private bool _keepDataDir;

    public static string RandomToken(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }

    private static IUsageStore CreateRealUsageStore(IServiceProvider services)
    {
        // Resolved by name so the fixture does not depend on the storage type's visibility.
        var type = typeof(Relay.Storage.Sqlite.SqliteDatabase).Assembly.GetType("Relay.Storage.Sqlite.SqliteUsageStore", throwOnError: true)!;
        return (IUsageStore)ActivatorUtilities.CreateInstance(services, type);
    }

    private sealed class RecordingUsageStore(IUsageStore inner, ConcurrentQueue<UsageEvent> recorded) : IUsageStore
    {
        public async Task AppendAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default)
        {
            await inner.AppendAsync(events, cancellationToken).ConfigureAwait(false);
            foreach (var item in events)
            {
                recorded.Enqueue(item);
            }
        }

        public Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default) =>
            inner.QueryTotalsAsync(query, cancellationToken);

        public Task<IReadOnlyList<UsageSeriesPoint>> QuerySeriesAsync(UsageSeriesQuery query, CancellationToken cancellationToken = default) =>
            inner.QuerySeriesAsync(query, cancellationToken);

        public Task<UsageTotals> SumAsync(UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default) =>
            inner.SumAsync(filter, from, to, cancellationToken);

        public Task<IReadOnlyList<StoredUsageEvent>> ListEventsAsync(UsageEventQuery query, CancellationToken cancellationToken = default) =>
            inner.ListEventsAsync(query, cancellationToken);

        public Task<UsageContent?> GetContentAsync(long eventId, CancellationToken cancellationToken = default) =>
            inner.GetContentAsync(eventId, cancellationToken);

        public Task<int> DeleteContentBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default) =>
            inner.DeleteContentBeforeAsync(cutoff, batchSize, cancellationToken);

        public Task<long> DeleteAllContentAsync(CancellationToken cancellationToken = default) =>
            inner.DeleteAllContentAsync(cancellationToken);
    }
}
