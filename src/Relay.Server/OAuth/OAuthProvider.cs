namespace Relay.Server.OAuth;

/// <summary>
/// One OAuth provider as configured under <c>Relay:OAuthProviders:{id}</c> (process settings; nothing is built in).
/// Only what refreshing a token set needs; the sign-in flows will add their own endpoints here.
/// </summary>
internal sealed record OAuthProvider(string Id, Uri TokenUrl, string ClientId, string? ClientSecret, string? Scopes, TimeSpan RefreshSkew);

/// <summary>The bound form of one provider's configuration section.</summary>
public sealed class OAuthProviderOptions
{
    /// <summary>The token endpoint (RFC 6749 §3.2), absolute http(s) URL.</summary>
    public string? TokenUrl { get; set; }

    /// <summary>The client id sent with every refresh.</summary>
    public string? ClientId { get; set; }

    /// <summary>For confidential clients only; public (PKCE) clients have none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes asked for on refresh; none = the scopes of the original grant.</summary>
    public string? Scopes { get; set; }

    /// <summary>An access token expiring within this many seconds is refreshed before use.</summary>
    public int RefreshSkewSeconds { get; set; } = 60;
}

/// <summary>The configured providers by id (case-insensitive). An invalid section fails startup with its name.</summary>
internal sealed class OAuthProviders
{
    private readonly Dictionary<string, OAuthProvider> _byId;

    public OAuthProviders(IReadOnlyDictionary<string, OAuthProviderOptions> configured)
    {
        _byId = new Dictionary<string, OAuthProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, options) in configured)
        {
            if (!Uri.TryCreate(options.TokenUrl, UriKind.Absolute, out var tokenUrl) || (tokenUrl.Scheme != Uri.UriSchemeHttps && tokenUrl.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"Relay:OAuthProviders:{id}:TokenUrl must be an absolute http(s) URL.");
            }

            if (string.IsNullOrWhiteSpace(options.ClientId))
            {
                throw new InvalidOperationException($"Relay:OAuthProviders:{id}:ClientId is required.");
            }

            _byId[id] = new OAuthProvider(
                id, tokenUrl, options.ClientId, string.IsNullOrEmpty(options.ClientSecret) ? null : options.ClientSecret,
                string.IsNullOrWhiteSpace(options.Scopes) ? null : options.Scopes.Trim(), TimeSpan.FromSeconds(Math.Max(0, options.RefreshSkewSeconds)));
        }
    }

    public IEnumerable<string> Ids => _byId.Keys.Order(StringComparer.Ordinal);

    public OAuthProvider? Find(string? id) => id is not null && _byId.TryGetValue(id, out var provider) ? provider : null;
}
