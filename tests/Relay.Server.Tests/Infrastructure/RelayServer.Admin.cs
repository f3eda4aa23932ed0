using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Accounts;
using Relay.Core.Keys;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// The fixture's operator side: accounts, keys and usage through the Control API (or the store while a route is
/// missing), read back as the small views tests assert on.
/// </summary>
public sealed partial class RelayServer
{
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
}
