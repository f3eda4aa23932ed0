using Relay.Core.Limits;

namespace Relay.Core.Accounts;

/// <summary>
/// An upstream account as stored. The secret is held only as AES-GCM ciphertext
/// (see <see cref="Security.SecretProtector"/>); the snapshot decrypts it once per rebuild.
/// </summary>
public sealed record AccountRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Platform { get; init; } = Platforms.Anthropic;
    public string Type { get; init; } = AccountTypes.ApiKey;
    public string BaseUrl { get; init; } = DefaultBaseUrls.Anthropic;
    public required byte[] SecretCiphertext { get; init; }

    /// <summary>
    /// The egress proxy URL (<see cref="OutboundProxy"/>) as AES-GCM ciphertext under the same key as the secret: the
    /// URL may carry credentials. Null: the account connects directly.
    /// </summary>
    public byte[]? ProxyCiphertext { get; init; }

    /// <summary>For <see cref="AccountTypes.OAuth"/> accounts: the id of the configured OAuth provider that issued the tokens.</summary>
    public string? OAuthProvider { get; init; }

    /// <summary>
    /// For <see cref="AccountTypes.OAuth"/> accounts: the <see cref="OAuthTokenSet"/> as JSON, AES-GCM encrypted under the
    /// same key as the secret. <see cref="SecretCiphertext"/> is then empty.
    /// </summary>
    public byte[]? TokensCiphertext { get; init; }

    public bool IsOAuth => Type == AccountTypes.OAuth;

    /// <summary>Lower numbers are tried first.</summary>
    public int Priority { get; init; } = 50;

    /// <summary>Relative share of traffic among accounts of the same priority.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Most requests in flight at once on this account; 0 means no limit.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Glob patterns of models this account serves; empty means every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Requested model name → upstream model name. A mapped model is always served.</summary>
    public IReadOnlyDictionary<string, string> ModelMap { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The request shapes the account serves (<see cref="WireShapes"/>); empty means the platform's default
    /// (<see cref="WireShapes.Default"/>). Use <see cref="ServedShapes"/> to read.
    /// </summary>
    public IReadOnlyList<string> Shapes { get; init; } = [];

    /// <summary>
    /// Set for Azure OpenAI accounts: the <c>api-version</c> query parameter. Requests then go to the deployment
    /// named by <see cref="ModelMap"/> (else the model name) and authenticate with the <c>api-key</c> header.
    /// </summary>
    public string? AzureApiVersion { get; init; }

    /// <summary>The shapes the account serves, with the platform default applied.</summary>
    public IReadOnlyList<string> ServedShapes => Shapes.Count > 0 ? Shapes : WireShapes.Default(Platform, BaseUrl);

    /// <summary>Ids of the groups this account belongs to.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>
    /// True (the default) when any key without a binding may use the account. A non-shared account serves only
    /// keys bound to it, directly or through one of its groups.
    /// </summary>
    public bool Shared { get; init; } = true;

    /// <summary>Request, token and cost windows on the account, and optionally a concurrency rule (no queue).</summary>
    public IReadOnlyList<LimitRule> Limits { get; init; } = [];

    public bool Enabled { get; init; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class DefaultBaseUrls
{
    public const string Anthropic = "https://api.anthropic.com";

    /// <summary>As the OpenAI SDKs take it: the version segment is part of the base URL, paths are appended after it.</summary>
    public const string OpenAI = "https://api.openai.com/v1";

    public static string For(string platform) => platform == Platforms.OpenAI ? OpenAI : Anthropic;
}
