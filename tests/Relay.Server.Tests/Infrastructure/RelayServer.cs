using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Relay.Core.Accounts;
using Relay.Core.Keys;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Core.Usage;
using Relay.Server.Hosting;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>Settings for one relay under test. <see cref="Settings"/> are <c>Relay:*</c> option names and values.</summary>
public sealed record RelayServerOptions
{
    /// <summary>Overrides of the defaults below, e.g. <c>["MaxRequestBodyBytes"] = "2048"</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Use this data directory (and keep it on dispose), e.g. to restart a relay on the same state.</summary>
    public string? DataDir { get; init; }

    /// <summary>Extra adjustments of the builder, after the fixture's own.</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    /// <summary>Short timeouts so failure tests take seconds, not minutes.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["StreamFirstByteTimeoutSeconds"] = "2",
        ["StreamIdleTimeoutSeconds"] = "2",
        ["FirstByteTimeoutSeconds"] = "3",
        ["ConnectTimeoutSeconds"] = "2",
        ["ConfigPollMilliseconds"] = "60000",
    };
}

/// <summary>An account to create; a random secret is made up when none is given.</summary>
public sealed record AccountSpec
{
    public required string Name { get; init; }
    public required string BaseUrl { get; init; }
    public string Secret { get; init; } = "sk-ant-api03-" + RelayServer.RandomToken(32);
    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyDictionary<string, string>? ModelMap { get; init; }
    public IReadOnlyList<string>? Models { get; init; }

    /// <summary>The account's egress proxy URL (its password, if any, should also be made a known secret).</summary>
    public string? Proxy { get; init; }
}

/// <summary>An account as the Control API shows it.</summary>
public sealed record AccountView(string Id, string Name, string State, DateTimeOffset? Until, string? Reason, string Secret);

/// <summary>A relay key as issued (the only time the key is visible).</summary>
public sealed record IssuedKey(string Id, string Key);

/// <summary>Totals of <c>GET /api/usage</c>.</summary>
public sealed record UsageTotalsView(long Requests, long InputTokens, long OutputTokens, long CacheWrite5mTokens, long CacheWrite1hTokens, long CacheReadTokens, decimal Cost);

public sealed record UsageReport(UsageTotalsView Total, IReadOnlyList<(string Group, UsageTotalsView Totals)> Groups);

/// <summary>
/// The real relay (<see cref="RelayApp.BuildAsync"/>) on a loopback port with its own SQLite data directory,
/// an admin token, every log line captured, and helpers that create accounts and keys through the Control API.
/// Until the Control API answers, the same helpers write through the store and refresh the snapshot instead.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
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

    // ---- Control API helpers ------------------------------------------------------------------------

    public async Task<AccountView> CreateAccountAsync(AccountSpec spec)
    {
        _secrets.Add(spec.Secret);
        var body = new JsonObject
        {
            ["name"] = spec.Name,
            ["baseUrl"] = spec.BaseUrl,
            ["secret"] = spec.Secret,
        };
        if (spec.Priority is { } priority)
        {
            body["priority"] = priority;
        }

        if (spec.Weight is { } weight)
        {
            body["weight"] = weight;
        }

        if (spec.MaxConcurrency is { } max)
        {
            body["maxConcurrency"] = max;
        }

        if (spec.ModelMap is { } map)
        {
            body["modelMap"] = new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
        }

        if (spec.Models is { } models)
        {
            body["models"] = new JsonArray([.. models.Select(m => (JsonNode?)JsonValue.Create(m))]);
        }

        if (spec.Proxy is { } proxy)
        {
            body["proxy"] = proxy;
        }

        if (await UseControlApiAsync().ConfigureAwait(false))
        {
            using var response = await Admin.PostAsync("api/accounts", JsonContent(body)).ConfigureAwait(false);
            var json = await ExpectAsync(response, HttpStatusCode.Created).ConfigureAwait(false);
            return ReadAccount(json, spec.Secret);
        }

        var now = DateTimeOffset.UtcNow;
        var record = new AccountRecord
        {
            Id = "acc_" + Guid.NewGuid().ToString("N")[..12],
            Name = spec.Name,
            BaseUrl = spec.BaseUrl,
            SecretCiphertext = Services.GetRequiredService<SecretProtector>().Protect(spec.Secret),
            Priority = spec.Priority ?? 50,
            Weight = spec.Weight ?? 1,
            MaxConcurrency = spec.MaxConcurrency ?? 0,
            Models = spec.Models ?? [],
            ModelMap = spec.ModelMap ?? new Dictionary<string, string>(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await Services.GetRequiredService<IConfigStore>().InsertAccountAsync(record).ConfigureAwait(false);
        await RefreshSnapshotAsync().ConfigureAwait(false);
        return await GetAccountAsync(record.Id).ConfigureAwait(false) with { Secret = spec.Secret };
    }

    public async Task<AccountView> GetAccountAsync(string id)
    {
        if (await UseControlApiAsync().ConfigureAwait(false))
        {
            using var response = await Admin.GetAsync("api/accounts/" + id).ConfigureAwait(false);
            var json = await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
            return ReadAccount(json, string.Empty);
        }

        var record = await Services.GetRequiredService<IConfigStore>().GetAccountAsync(id).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No account {id}.");
        var status = Services.GetRequiredService<IHotState>().GetStatus(id, DateTimeOffset.UtcNow);
        var state = !record.Enabled ? "disabled" : status.Health.ToString().ToLowerInvariant();
        return new AccountView(id, record.Name, state, status.Until, status.Reason, string.Empty);
    }

    public async Task<IssuedKey> CreateKeyAsync(string name = "test-key")
    {
        if (await UseControlApiAsync().ConfigureAwait(false))
        {
            using var response = await Admin.PostAsync("api/keys", JsonContent(new JsonObject { ["name"] = name })).ConfigureAwait(false);
            var json = await ExpectAsync(response, HttpStatusCode.Created).ConfigureAwait(false);
            var issued = new IssuedKey(json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
            _secrets.Add(issued.Key);
            return issued;
        }

        var key = "cr_" + RandomToken(43);
        _secrets.Add(key);
        var now = DateTimeOffset.UtcNow;
        var record = new RelayKeyRecord
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..12],
            Name = name,
            Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))),
            Prefix = key[..7],
            CreatedAt = now,
            UpdatedAt = now,
        };
        await Services.GetRequiredService<IConfigStore>().InsertKeyAsync(record).ConfigureAwait(false);
        await RefreshSnapshotAsync().ConfigureAwait(false);
        return new IssuedKey(record.Id, key);
    }

    /// <summary>Changes a stored key (disable, expire) through the store, then refreshes the snapshot.</summary>
    public async Task UpdateKeyAsync(string id, Func<RelayKeyRecord, RelayKeyRecord> change)
    {
        var store = Services.GetRequiredService<IConfigStore>();
        var record = await store.GetKeyAsync(id).ConfigureAwait(false) ?? throw new InvalidOperationException($"No key {id}.");
        await store.UpdateKeyAsync(change(record) with { UpdatedAt = DateTimeOffset.UtcNow }).ConfigureAwait(false);
        await RefreshSnapshotAsync().ConfigureAwait(false);
    }

    /// <summary><c>GET /api/usage?groupBy=…</c> (key, account, model, day).</summary>
    public async Task<UsageReport> GetUsageAsync(string groupBy)
    {
        await FlushUsageAsync().ConfigureAwait(false);
        if (await UseControlApiAsync().ConfigureAwait(false))
        {
            using var response = await Admin.GetAsync("api/usage?groupBy=" + groupBy).ConfigureAwait(false);
            var json = await ExpectAsync(response, HttpStatusCode.OK).ConfigureAwait(false);
            var listName = "by" + char.ToUpperInvariant(groupBy[0]) + groupBy[1..];
            var groups = json.TryGetProperty(listName, out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(g => (g.GetProperty("group").GetString() ?? string.Empty, ReadTotals(g))).ToList()
                : [];
            return new UsageReport(ReadTotals(json.GetProperty("total")), groups);
        }

        var grouping = Enum.Parse<UsageGrouping>(groupBy, ignoreCase: true);
        var totals = await Services.GetRequiredService<IUsageStore>().QueryTotalsAsync(new UsageQuery(null, null, grouping)).ConfigureAwait(false);
        var views = totals.Select(t => (t.Group, new UsageTotalsView(t.Requests, t.InputTokens, t.OutputTokens, t.CacheWrite5mTokens, t.CacheWrite1hTokens, t.CacheReadTokens, t.Cost))).ToList();
        var total = new UsageTotalsView(
            views.Sum(v => v.Item2.Requests), views.Sum(v => v.Item2.InputTokens), views.Sum(v => v.Item2.OutputTokens),
            views.Sum(v => v.Item2.CacheWrite5mTokens), views.Sum(v => v.Item2.CacheWrite1hTokens), views.Sum(v => v.Item2.CacheReadTokens),
            views.Sum(v => v.Item2.Cost));
        return new UsageReport(total, views);
    }

    /// <summary>Waits until every usage event recorded so far is written to SQLite.</summary>
    public Task FlushUsageAsync() => Services.GetRequiredService<UsageRecorder>().FlushAsync();

    /// <summary>The usage events written so far (after a flush), in order.</summary>
    public async Task<IReadOnlyList<UsageEvent>> UsageEventsAsync()
    {
        await FlushUsageAsync().ConfigureAwait(false);
        return [.. _usage];
    }

    /// <summary>Waits for <paramref name="count"/> usage events (events are recorded after the response completes).</summary>
    public async Task<IReadOnlyList<UsageEvent>> WaitForUsageAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var events = await UsageEventsAsync().ConfigureAwait(false);
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public Task RefreshSnapshotAsync() => Services.GetRequiredService<SnapshotManager>().RefreshAsync(force: true);

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

    private async Task<bool> UseControlApiAsync()
    {
        if (_controlApi is { } known)
        {
            return known;
        }

        // The Control API is being built in parallel; until it answers, write through the store.
        using var response = await Admin.GetAsync("api/accounts").ConfigureAwait(false);
        _controlApi = response.StatusCode != HttpStatusCode.NotFound;
        return _controlApi.Value;
    }

    private static AccountView ReadAccount(JsonElement json, string secret)
    {
        string state = "active";
        DateTimeOffset? until = null;
        string? reason = null;
        if (json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object)
        {
            state = status.TryGetProperty("state", out var s) ? s.GetString() ?? "active" : "active";
            until = status.TryGetProperty("until", out var u) && u.ValueKind == JsonValueKind.String
                ? DateTimeOffset.Parse(u.GetString()!, CultureInfo.InvariantCulture)
                : null;
            reason = status.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        }

        return new AccountView(json.GetProperty("id").GetString()!, json.TryGetProperty("name", out var n) ? n.GetString() ?? string.Empty : string.Empty, state, until, reason, secret);
    }

    private static UsageTotalsView ReadTotals(JsonElement json)
    {
        long Long(string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        var cost = json.TryGetProperty("cost", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDecimal() : 0m;
        return new UsageTotalsView(Long("requests"), Long("inputTokens"), Long("outputTokens"), Long("cacheWrite5mTokens"), Long("cacheWrite1hTokens"), Long("cacheReadTokens"), cost);
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
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
