using System.Collections.Frozen;
using Relay.Core.Accounts;

namespace Relay.Server.OAuth;

/// <summary>How a provider's token endpoint wants its POST body: form-encoded (RFC 6749) or JSON (Anthropic's).</summary>
internal enum TokenRequestFormat
{
    Form,
    Json,
}

/// <summary>
/// One OAuth provider, resolved from the built-in data (<see cref="OAuthProviderCatalog"/>) with the operator's
/// <c>Relay:OAuthProviders:{id}</c> section laid over it field by field. Everything Relay needs to sign an account in,
/// keep its tokens fresh and send its requests lives here, so a provider is data, not code paths.
/// </summary>
internal sealed class OAuthProvider
{
    public required string Id { get; init; }

    /// <summary>What the console and CLI call it.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The platform of accounts signed in with it (<see cref="Platforms"/>).</summary>
    public required string Platform { get; init; }

    /// <summary>The upstream base URL accounts signed in with it get; null: the platform's default.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The request shapes such accounts serve; empty: the platform default for <see cref="BaseUrl"/>.</summary>
    public IReadOnlyList<string> Shapes { get; init; } = [];

    public required Uri TokenUrl { get; init; }
    public required string ClientId { get; init; }
    public string? ClientSecret { get; init; }

    /// <summary>Scopes sent with a refresh; null: the scopes of the original grant.</summary>
    public string? Scopes { get; init; }

    public TimeSpan RefreshSkew { get; init; } = TimeSpan.FromSeconds(60);
    public TokenRequestFormat TokenFormat { get; init; } = TokenRequestFormat.Form;

    /// <summary>The authorization endpoint of the browser (PKCE) sign-in; null: the provider has no browser sign-in.</summary>
    public Uri? AuthorizeUrl { get; init; }

    /// <summary>Where the provider sends the browser after consent; the operator pastes that page's code or URL back.</summary>
    public string? RedirectUri { get; init; }

    /// <summary>Scopes asked for at the browser sign-in.</summary>
    public string? SignInScopes { get; init; }

    /// <summary>Extra query parameters of the authorize URL (after the standard ones).</summary>
    public IReadOnlyDictionary<string, string> AuthorizeParameters { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Scopes of a long-lived token minted by the same browser flow (Claude's <c>setup-token</c>); null: not offered.</summary>
    public string? SetupTokenScopes { get; init; }

    /// <summary>The lifetime asked for a long-lived token (sent as <c>expires_in</c> at the exchange).</summary>
    public int? SetupTokenLifetimeSeconds { get; init; }

    /// <summary>Device sign-in: where a user code is requested; null: no device sign-in.</summary>
    public Uri? DeviceCodeUrl { get; init; }

    /// <summary>Device sign-in: polled until the user has approved.</summary>
    public Uri? DeviceTokenUrl { get; init; }

    /// <summary>Device sign-in: the page the operator opens to enter the user code.</summary>
    public string? DeviceVerificationUrl { get; init; }

    /// <summary>Device sign-in: the redirect URI sent with the code exchange that ends it.</summary>
    public string? DeviceRedirectUri { get; init; }

    /// <summary>Beta flags added to <c>anthropic-beta</c> on every request of such accounts (kept with the client's own).</summary>
    public IReadOnlyList<string> AnthropicBetas { get; init; } = [];

    /// <summary>The header that carries the signed-in account id (<see cref="OAuthTokenSet.AccountId"/>); null: none.</summary>
    public string? AccountIdHeader { get; init; }

    /// <summary>Headers added to every request of such accounts when the client did not send them.</summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Shown next to the provider in the console and docs: whose terms apply.</summary>
    public string? Terms { get; init; }

    /// <summary>
    /// Its backend answers only streamed Responses requests: a non-streamed one is declined before anything is sent,
    /// so another account serves it (ChatGPT's Codex backend).
    /// </summary>
    public bool ResponsesStreamOnly { get; init; }

    /// <summary>Its backend refuses stored responses: Responses requests go with <c>"store": false</c>.</summary>
    public bool ResponsesForceUnstored { get; init; }

    /// <summary>Its backend requires <c>instructions</c>: a Responses request without them gets <c>"instructions": ""</c> (never any text).</summary>
    public bool ResponsesRequireInstructions { get; init; }

    /// <summary>Its backend takes <c>input</c> only as a list: a string becomes one user message holding that text.</summary>
    public bool ResponsesInputAsList { get; init; }

    /// <summary>Top-level Responses fields its backend refuses, removed from the body before sending.</summary>
    public IReadOnlyList<string> ResponsesDropFields { get; init; } = [];

    public bool HasBrowserSignIn => AuthorizeUrl is not null && RedirectUri is not null;
    public bool HasSetupToken => HasBrowserSignIn && SetupTokenScopes is not null;
    public bool HasDeviceSignIn => DeviceCodeUrl is not null && DeviceTokenUrl is not null && DeviceVerificationUrl is not null;
}

/// <summary>
/// The bound form of one provider's configuration section. Every field is optional over a built-in provider (it
/// replaces just that value, e.g. the endpoints a test points at a fake); a provider that is not built in needs at
/// least <see cref="TokenUrl"/> and <see cref="ClientId"/>.
/// </summary>
public sealed class OAuthProviderOptions
{
    public string? DisplayName { get; set; }

    /// <summary><c>anthropic</c> or <c>openai</c>.</summary>
    public string? Platform { get; set; }

    public string? BaseUrl { get; set; }

    /// <summary>Comma-separated request shapes (<c>messages</c>, <c>chat</c>, <c>responses</c>).</summary>
    public string? Shapes { get; set; }

    /// <summary>The token endpoint (RFC 6749 §3.2), absolute http(s) URL.</summary>
    public string? TokenUrl { get; set; }

    /// <summary>The client id sent with every exchange and refresh.</summary>
    public string? ClientId { get; set; }

    /// <summary>For confidential clients only; public (PKCE) clients have none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes asked for on refresh; none = the scopes of the original grant.</summary>
    public string? Scopes { get; set; }

    /// <summary>An access token expiring within this many seconds is refreshed before use.</summary>
    public int? RefreshSkewSeconds { get; set; }

    /// <summary><c>form</c> (default) or <c>json</c>.</summary>
    public string? TokenFormat { get; set; }

    public string? AuthorizeUrl { get; set; }
    public string? RedirectUri { get; set; }
    public string? SignInScopes { get; set; }
    public Dictionary<string, string>? AuthorizeParameters { get; set; }
    public string? SetupTokenScopes { get; set; }
    public int? SetupTokenLifetimeSeconds { get; set; }
    public string? DeviceCodeUrl { get; set; }
    public string? DeviceTokenUrl { get; set; }
    public string? DeviceVerificationUrl { get; set; }
    public string? DeviceRedirectUri { get; set; }

    /// <summary>Comma-separated <c>anthropic-beta</c> flags.</summary>
    public string? AnthropicBetas { get; set; }

    public string? AccountIdHeader { get; set; }
    public Dictionary<string, string>? RequestHeaders { get; set; }
    public string? Terms { get; set; }

    /// <summary>Non-streamed Responses requests are declined (another account serves them).</summary>
    public bool? ResponsesStreamOnly { get; set; }

    /// <summary>Responses requests are sent with <c>"store": false</c>.</summary>
    public bool? ResponsesForceUnstored { get; set; }

    /// <summary>Responses requests without <c>instructions</c> get <c>"instructions": ""</c>.</summary>
    public bool? ResponsesRequireInstructions { get; set; }

    /// <summary>A string <c>input</c> is sent as a one-message list.</summary>
    public bool? ResponsesInputAsList { get; set; }

    /// <summary>Comma-separated top-level Responses fields removed before sending; an empty value removes none.</summary>
    public string? ResponsesDropFields { get; set; }
}

/// <summary>The providers by id (case-insensitive): the built-in ones, overlaid and extended by configuration.</summary>
internal sealed class OAuthProviders
{
    private readonly Dictionary<string, OAuthProvider> _byId;

    /// <exception cref="InvalidOperationException">A section is invalid; the message names it.</exception>
    public OAuthProviders(IReadOnlyDictionary<string, OAuthProviderOptions> configured)
    {
        _byId = new Dictionary<string, OAuthProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, builtIn) in OAuthProviderCatalog.BuiltIn)
        {
            if (!configured.Keys.Contains(id, StringComparer.OrdinalIgnoreCase))
            {
                _byId[id] = OAuthProviderResolver.Resolve(id, builtIn, new OAuthProviderOptions());
            }
        }

        foreach (var (id, options) in configured)
        {
            var builtIn = OAuthProviderCatalog.BuiltIn.FirstOrDefault(p => string.Equals(p.Key, id, StringComparison.OrdinalIgnoreCase));
            var key = builtIn.Key ?? id;
            _byId[key] = OAuthProviderResolver.Resolve(key, builtIn.Value ?? new OAuthProviderOptions(), options);
        }
    }

    public IEnumerable<string> Ids => _byId.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<OAuthProvider> All => _byId.Values.OrderBy(p => p.Id, StringComparer.Ordinal);

    public OAuthProvider? Find(string? id) => id is not null && _byId.TryGetValue(id, out var provider) ? provider : null;
}
