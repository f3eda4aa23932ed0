using Relay.Core.Accounts;
using Relay.Core.Keys;

namespace Relay.Storage.Tests;

/// <summary>Sample records with millisecond-precise UTC times (what the store keeps).</summary>
internal static class Records
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero);

    public static AccountRecord Account(string id = "acc_1") => new()
    {
        Id = id,
        Name = "Main " + id,
        Platform = "anthropic",
        Type = "api-key",
        BaseUrl = "https://api.anthropic.com",
        SecretCiphertext = [1, 2, 3, 0, 255, 254],
        Priority = 10,
        Weight = 3,
        MaxConcurrency = 4,
        Models = ["claude-*", "gpt-4o"],
        ModelMap = new Dictionary<string, string> { ["claude-sonnet"] = "claude-sonnet-4-5", ["x"] = "y" },
        Enabled = true,
        CreatedAt = T0,
        UpdatedAt = T0.AddMinutes(1),
    };

    public static RelayKeyRecord Key(string id = "key_1", string hash = "aa") => new()
    {
        Id = id,
        Name = "Key " + id,
        Hash = hash,
        Prefix = "cr_AbC4",
        Enabled = true,
        ExpiresAt = T0.AddDays(30),
        CreatedAt = T0,
        UpdatedAt = T0,
    };
}
