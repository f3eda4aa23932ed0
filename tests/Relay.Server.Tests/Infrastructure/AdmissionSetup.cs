using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Relay.Core.Accounts;
using Relay.Core.Groups;
using Relay.Core.Limits;
using Relay.Core.Policies;
using Relay.Core.State;
using Relay.Core.Storage;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// Sets up keys, accounts, groups and policies for admission tests straight through the store (the Control API
/// for these nouns has its own tests), then refreshes the snapshot as the API would.
/// </summary>
public static class AdmissionSetup
{
    public static LimitRule Rule(string meter, string? window, decimal max, int? queueSize = null, string? queueTimeout = null) =>
        LimitRule.TryCreate(meter, window, max, queueSize, queueTimeout, out var rule, out var error)
            ? rule!
            : throw new ArgumentException(error);

    public static Task SetKeyLimitsAsync(this RelayServer relay, string keyId, params LimitRule[] rules) =>
        relay.UpdateKeyAsync(keyId, k => k with { Limits = rules });

    public static Task SetKeyPolicyAsync(this RelayServer relay, string keyId, KeyPolicy? policy, string? policyId = null) =>
        relay.UpdateKeyAsync(keyId, k => k with { Policy = policy, PolicyId = policyId });

    public static async Task UpdateAccountAsync(this RelayServer relay, string accountId, Func<AccountRecord, AccountRecord> change)
    {
        var store = relay.Services.GetRequiredService<IConfigStore>();
        var record = await store.GetAccountAsync(accountId) ?? throw new InvalidOperationException($"No account {accountId}.");
        await store.UpdateAccountAsync(change(record) with { UpdatedAt = DateTimeOffset.UtcNow });
        await relay.RefreshSnapshotAsync();
    }

    public static async Task<string> CreateGroupAsync(this RelayServer relay, string name, params string[] accountIds)
    {
        var store = relay.Services.GetRequiredService<IConfigStore>();
        var id = "grp_" + Guid.NewGuid().ToString("N")[..12];
        await store.InsertGroupAsync(new GroupRecord { Id = id, Name = name, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await store.SetGroupMembersAsync(id, accountIds);
        await relay.RefreshSnapshotAsync();
        return id;
    }

    public static async Task<string> CreatePolicyAsync(this RelayServer relay, string name, KeyPolicy policy, params LimitRule[] limits)
    {
        var store = relay.Services.GetRequiredService<IConfigStore>();
        var id = "pol_" + Guid.NewGuid().ToString("N")[..12];
        await store.InsertPolicyAsync(new PolicyRecord { Id = id, Name = name, Policy = policy, Limits = limits, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
        await relay.RefreshSnapshotAsync();
        return id;
    }

    public static int SlotsInFlight(this RelayServer relay, string keyId) =>
        relay.Services.GetRequiredService<IHotState>().GetSlotsInFlight(LimitScopes.Key(keyId));

    /// <summary><c>GET /api/me</c> with the relay key; returns the status and the parsed body.</summary>
    public static async Task<(int Status, JsonElement Body, string Text)> GetMeAsync(this RelayServer relay, string? relayKey, bool bearer = true)
    {
        using var client = new HttpClient { BaseAddress = new Uri(relay.Url) };
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

        using var response = await client.GetAsync("/api/me");
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        return ((int)response.StatusCode, json.RootElement.Clone(), text);
    }

    public static ModelRules Models(string[]? allow = null, string[]? deny = null) => new(allow ?? [], deny ?? []);
}
