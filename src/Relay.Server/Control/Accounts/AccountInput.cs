using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// The body of <c>POST /api/accounts</c> and <c>PATCH /api/accounts/{id}</c>, and what the CLI
/// flags fill in. A null property means "not given": defaults apply on create, the stored value
/// stays on update.
/// </summary>
internal sealed record AccountInput
{
    public string? Name { get; init; }
    public string? Platform { get; init; }
    public string? Type { get; init; }
    public string? BaseUrl { get; init; }

    /// <summary>The upstream credential; required on create, replaces the stored one on update. Never returned.</summary>
    public string? Secret { get; init; }

    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyDictionary<string, string>? ModelMap { get; init; }
    public bool? Enabled { get; init; }

    /// <summary>Ids of the groups the account belongs to; replaces the membership when given.</summary>
    public IReadOnlyList<string>? Groups { get; init; }

    /// <summary>False: only keys bound to the account (directly or through a group) may use it.</summary>
    public bool? Shared { get; init; }

    /// <summary>Request, token and cost windows, and a concurrency rule without a queue.</summary>
    public IReadOnlyList<LimitRuleInput>? Limits { get; init; }

    /// <summary>The request shapes the account serves (<c>chat</c>, <c>responses</c> for OpenAI accounts); an empty list restores the platform default.</summary>
    public IReadOnlyList<string>? Shapes { get; init; }

    /// <summary>Azure OpenAI settings; an explicit <c>null</c> on update makes the account plain OpenAI again (see <see cref="AzureGiven"/>).</summary>
    public AzureInput? Azure { get; init; }

    /// <summary>
    /// The egress proxy, <c>http|https|socks5|socks5h://[user:pass@]host:port</c>; a secret (it may carry credentials), stored
    /// encrypted and never returned whole. <c>""</c> (or an explicit <c>null</c>, see <see cref="ProxyGiven"/>) removes it.
    /// </summary>
    public string? Proxy { get; init; }

    /// <summary>For <c>type: "oauth"</c>: the configured provider that issued the tokens.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("oauth")]
    public OAuthInput? OAuth { get; init; }

    /// <summary>For <c>type: "oauth"</c>: the token set to import (write-only, never returned); replaces the stored one on update.</summary>
    public TokensInput? Tokens { get; init; }

    /// <summary>True when the body named <c>proxy</c>, possibly as null; filled in by the endpoint, not from JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ProxyGiven { get; init; }

    /// <summary>True when the body named <c>azure</c>, possibly as null; filled in by the endpoint or the CLI, not from JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AzureGiven { get; init; }
}

/// <summary><c>{ "apiVersion": "2024-10-21" }</c>: the <c>api-version</c> Azure OpenAI requires on every call.</summary>
internal sealed record AzureInput
{
    public string? ApiVersion { get; init; }
}
