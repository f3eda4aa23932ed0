using System.Text.Json;
using Relay.Core.Accounts;

namespace Relay.Storage.Sqlite;

/// <summary>One <c>accounts</c> row as Dapper reads and writes it; converts to and from <see cref="AccountRecord"/>.</summary>
internal sealed class AccountRow
{
    public const string Columns =
        "id AS Id, name AS Name, platform AS Platform, type AS Type, base_url AS BaseUrl, secret AS Secret, " +
        "priority AS Priority, weight AS Weight, max_concurrency AS MaxConcurrency, models AS Models, " +
        "model_map AS ModelMap, shapes AS Shapes, azure_api_version AS AzureApiVersion, proxy AS Proxy, oauth_provider AS OAuthProvider, oauth_tokens AS OAuthTokens, shared AS Shared, limits AS Limits, enabled AS Enabled, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Type { get; set; } = "";
    public string BaseUrl { get; set; } = "";
    public byte[] Secret { get; set; } = [];
    public long Priority { get; set; }
    public long Weight { get; set; }
    public long MaxConcurrency { get; set; }
    public string Models { get; set; } = "[]";
    public string ModelMap { get; set; } = "{}";
    public string Shapes { get; set; } = "[]";
    public string? AzureApiVersion { get; set; }
    public byte[]? Proxy { get; set; }
    public string? OAuthProvider { get; set; }
    public byte[]? OAuthTokens { get; set; }
    public bool Shared { get; set; } = true;
    public string Limits { get; set; } = "[]";
    public bool Enabled { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }

    public static AccountRow From(AccountRecord account) => new()
    {
        Id = account.Id,
        Name = account.Name,
        Platform = account.Platform,
        Type = account.Type,
        BaseUrl = account.BaseUrl,
        Secret = account.SecretCiphertext,
        Priority = account.Priority,
        Weight = account.Weight,
        MaxConcurrency = account.MaxConcurrency,
        Models = JsonSerializer.Serialize([.. account.Models], StorageJsonContext.Default.StringArray),
        ModelMap = JsonSerializer.Serialize(new Dictionary<string, string>(account.ModelMap), StorageJsonContext.Default.DictionaryStringString),
        Shapes = JsonSerializer.Serialize([.. account.Shapes], StorageJsonContext.Default.StringArray),
        AzureApiVersion = account.AzureApiVersion,
        Proxy = account.ProxyCiphertext,
        OAuthProvider = account.OAuthProvider,
        OAuthTokens = account.TokensCiphertext,
        Shared = account.Shared,
        Limits = StoredJson.Limits(account.Limits),
        Enabled = account.Enabled,
        CreatedAt = UnixTime.ToMilliseconds(account.CreatedAt),
        UpdatedAt = UnixTime.ToMilliseconds(account.UpdatedAt),
    };

    public AccountRecord ToRecord() => new()
    {
        Id = Id,
        Name = Name,
        Platform = Platform,
        Type = Type,
        BaseUrl = BaseUrl,
        SecretCiphertext = Secret,
        Priority = checked((int)Priority),
        Weight = checked((int)Weight),
        MaxConcurrency = checked((int)MaxConcurrency),
        Models = JsonSerializer.Deserialize(Models, StorageJsonContext.Default.StringArray) ?? [],
        ModelMap = JsonSerializer.Deserialize(ModelMap, StorageJsonContext.Default.DictionaryStringString) ?? [],
        Shapes = JsonSerializer.Deserialize(Shapes, StorageJsonContext.Default.StringArray) ?? [],
        AzureApiVersion = AzureApiVersion,
        ProxyCiphertext = Proxy,
        OAuthProvider = OAuthProvider,
        TokensCiphertext = OAuthTokens,
        Shared = Shared,
        Limits = StoredJson.Limits(Limits, $"account {Id}"),
        Enabled = Enabled,
        CreatedAt = UnixTime.FromMilliseconds(CreatedAt),
        UpdatedAt = UnixTime.FromMilliseconds(UpdatedAt),
    };
}
