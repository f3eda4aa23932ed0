using System.Text.Json;
using Relay.Core.Storage;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// Carries <c>relay accounts reset</c> from the CLI to a running server. Cooldowns live in the
/// server's memory, which another process cannot reach, so the CLI records "reset account X at T"
/// in a store setting and <see cref="AccountResetWatcher"/> applies requests it has not seen yet.
/// </summary>
internal static class AccountResetRequests
{
    public const string Setting = "account_reset_requests";

    // Requests older than this are dropped when the setting is rewritten, so it stays small.
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);

    public static async Task RequestAsync(IConfigStore store, string accountId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var requests = Parse(await store.GetSettingAsync(Setting, cancellationToken).ConfigureAwait(false));
        foreach (var stale in requests.Where(r => now - r.Value > KeepFor).Select(r => r.Key).ToList())
        {
            requests.Remove(stale);
        }

        requests[accountId] = now;
        await store.SetSettingAsync(Setting, JsonSerializer.Serialize(requests, ControlJson.Options), cancellationToken).ConfigureAwait(false);
    }

    public static Dictionary<string, DateTimeOffset> Parse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            return new(JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(value, ControlJson.Options) ?? [], StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // Only ever written by this class; if it is damaged, start over rather than fail every poll.
            return new(StringComparer.Ordinal);
        }
    }
}
