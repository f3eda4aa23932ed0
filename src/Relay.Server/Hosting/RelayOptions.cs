namespace Relay.Server.Hosting;

/// <summary>
/// Process settings, bound from the <c>Relay</c> section of appsettings.json and overridden by
/// <c>RELAY_*</c> environment variables (<c>RELAY_DATA_DIR</c> → <c>DataDir</c>). Changing these
/// needs a restart; everything an operator manages live lives in the store instead.
/// See docs/configuration.md.
/// </summary>
public sealed class RelayOptions
{
    public const string Section = "Relay";

    /// <summary>Where Kestrel listens; semicolon-separated URLs.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Holds relay.db and master.key.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>Bearer token for the Control API. When unset, one is generated on first start, printed once and stored hashed.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Key that encrypts upstream secrets at rest. When unset, generated into DataDir/master.key.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Largest accepted inference request body; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a conversation stays on the account that served it.</summary>
    public int StickyTtlSeconds { get; set; } = 3600;

    /// <summary>Most accounts tried for one request.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Streamed calls: longest wait for the upstream's response headers and first event before failing over.</summary>
    public int StreamFirstByteTimeoutSeconds { get; set; } = 60;

    /// <summary>Non-streamed calls: longest wait for the whole upstream answer's headers.</summary>
    public int FirstByteTimeoutSeconds { get; set; } = 600;

    /// <summary>Longest silence between two reads of an upstream body before the call is ended with an error.</summary>
    public int StreamIdleTimeoutSeconds { get; set; } = 300;

    /// <summary>TCP connect timeout to an upstream.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Usage events buffered in memory before new ones are dropped (and counted).</summary>
    public int UsageQueueCapacity { get; set; } = 50_000;

    /// <summary>How often a running server checks the store for changes made by other processes (the CLI).</summary>
    public int ConfigPollMilliseconds { get; set; } = 1000;

    /// <summary>Admin sign-in: a session ends after this long without a request.</summary>
    public int SessionIdleTimeoutSeconds { get; set; } = 12 * 3600;

    /// <summary>Admin sign-in: a session ends this long after sign-in, however active.</summary>
    public int SessionLifetimeSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>
    /// Whether the session cookie carries <c>Secure</c>: unset = when the request came over HTTPS to Kestrel;
    /// true = always (Relay behind a TLS-terminating proxy); false = never.
    /// </summary>
    public bool? SessionCookieSecure { get; set; }

    /// <summary>Failed sign-ins for one user name within <see cref="SignInWindowSeconds"/> before further attempts get 429.</summary>
    public int SignInMaxFailuresPerUser { get; set; } = 5;

    /// <summary>Failed sign-ins from one client IP (any user names) within <see cref="SignInWindowSeconds"/> before 429.</summary>
    public int SignInMaxFailuresPerIp { get; set; } = 20;

    /// <summary>The window over which failed sign-ins are counted.</summary>
    public int SignInWindowSeconds { get; set; } = 900;

    /// <summary>
    /// OAuth providers by id (<c>Relay:OAuthProviders:{id}:TokenUrl</c>, …) that token (<c>oauth</c>) accounts name.
    /// None is built in. See docs/accounts.md.
    /// </summary>
    public Dictionary<string, OAuth.OAuthProviderOptions> OAuthProviders { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
