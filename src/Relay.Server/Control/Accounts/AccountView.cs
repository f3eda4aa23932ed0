using Relay.Core.Accounts;
using Relay.Core.Admission;
using Relay.Core.Limits;
using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Server.OAuth;
using System.Text.Json.Serialization;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// An account as the Control API shows it. Deliberately has no member that could carry the secret
/// or its ciphertext; <see cref="HasSecret"/> is all an operator learns about it.
/// </summary>
internal sealed record AccountView(
    string Id,
    string Name,
    string Platform,
    string Type,
    string BaseUrl,
    int Priority,
    int Weight,
    int MaxConcurrency,
    IReadOnlyList<string> Models,
    IReadOnlyDictionary<string, string> ModelMap,
    IReadOnlyList<string> Shapes,
    AzureView? Azure,
    ProxyView? Proxy,
    [property: System.Text.Json.Serialization.JsonPropertyName("oauth")] OAuthView? OAuth,
    IReadOnlyList<string> Groups,
    bool Shared,
    IReadOnlyList<LimitRuleSpec> Limits,
    bool Enabled,
    bool HasSecret,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    AccountStatusView Status)
{
    public static AccountView From(AccountRecord record, ProxyView? proxy, OAuthView? oauth, RelaySnapshot snapshot, IHotState hotState, DateTimeOffset now) => new(
        record.Id,
        record.Name,
        record.Platform,
        record.Type,
        record.BaseUrl,
        record.Priority,
        record.Weight,
        record.MaxConcurrency,
        record.Models,
        record.ModelMap,
        record.ServedShapes,
        record.AzureApiVersion is { } apiVersion ? new AzureView(apiVersion) : null,
        proxy,
        oauth,
        record.Groups,
        record.Shared,
        LimitRuleSpec.FromRules(record.Limits),
        record.Enabled,
        HasSecret: record.SecretCiphertext.Length > 0,
        record.CreatedAt,
        record.UpdatedAt,
        AccountStatusView.From(record, snapshot, hotState, now));
}

/// <summary>
/// An account's egress proxy without its password: <c>url</c> is <c>scheme://user:****@host:port</c>. Omitted when the
/// account connects directly.
/// </summary>
internal sealed record ProxyView(string Url, string Scheme, string Host, int Port, bool HasCredentials)
{
    /// <summary>Decrypts the stored proxy to describe it; an unreadable one is shown as such (the account is in error).</summary>
    public static ProxyView? Read(AccountRecord record, SecretProtector protector)
    {
        if (record.ProxyCiphertext is not { } ciphertext)
        {
            return null;
        }

        try
        {
            return OutboundProxy.TryParse(protector.Unprotect(ciphertext), out var proxy, out _)
                ? new ProxyView(proxy!.Display, proxy.Scheme, proxy.Host, proxy.Port, proxy.HasCredentials)
                : Unreadable;
        }
        catch (SecretDecryptionException)
        {
            return Unreadable;
        }
    }

    private static readonly ProxyView Unreadable = new("(unreadable)", "", "", 0, false);
}

/// <summary>
/// An <c>oauth</c> account's sign-in, without any token: the provider, when the access token expires, whether Relay
/// can renew it, the last successful refresh and why the last refresh failed (null when it did not), and who signed
/// in (email, plan and the provider's account id, null when the provider did not say).
/// </summary>
internal sealed record OAuthView(
    string Provider,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt,
    bool HasRefreshToken,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastRefreshAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RefreshError,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Email = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Plan = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AccountId = null)
{
    /// <summary>
    /// From the live state when this process holds one at least as new as the stored set (it may have refreshed since),
    /// else from the store (e.g. tokens just imported, which the live state takes on their first use).
    /// </summary>
    public static OAuthView? Read(AccountRecord record, SecretProtector protector, OAuthTokens? live)
    {
        if (!record.IsOAuth)
        {
            return null;
        }

        var provider = record.OAuthProvider ?? "";
        OAuthTokenSet? stored = null;
        try
        {
            stored = record.TokensCiphertext is { } ciphertext ? OAuthTokenSet.Parse(protector.Unprotect(ciphertext)) : null;
        }
        catch (Exception ex) when (ex is SecretDecryptionException or FormatException)
        {
            // The status says the tokens cannot be read (the snapshot's unusable reason).
        }

        if (live?.Live(record.Id) is { } state && (stored is null || state.Tokens.IssuedAt >= stored.IssuedAt))
        {
            return From(provider, state.Tokens, state.RefreshError);
        }

        return stored is null ? new OAuthView(provider, null, false, null, null) : From(provider, stored, null);
    }

    private static OAuthView From(string provider, OAuthTokenSet tokens, string? refreshError) =>
        new(provider, tokens.ExpiresAt, tokens.RefreshToken is not null, tokens.LastRefreshAt, refreshError, tokens.Email, tokens.Plan, tokens.AccountId);
}

/// <summary>Azure OpenAI settings of an account (omitted for every other account).</summary>
internal sealed record AzureView(string ApiVersion);

/// <summary>
/// Live state: <c>active</c>, <c>cooling</c> (until a time), <c>error</c> (with a reason) or <c>disabled</c>;
/// requests in flight; and where each of the account's limits stands (omitted when it has none).
/// </summary>
internal sealed record AccountStatusView(string State, DateTimeOffset? Until, string? Reason, int InFlight)
{
    public IReadOnlyList<LimitStatus>? Limits { get; init; }

    /// <summary>The most recent failed upstream attempt (kept after recovery, cleared by a reset); omitted when none.</summary>
    public AccountErrorView? LastError { get; init; }

    /// <summary>The subscription usage windows the upstream last reported (shortest first); omitted when none seen.</summary>
    public IReadOnlyList<UsageWindowView>? UsageWindows { get; init; }

    /// <summary>When the response that reported <see cref="UsageWindows"/> arrived.</summary>
    public DateTimeOffset? UsageWindowsObservedAt { get; init; }

    public const string Active = "active";
    public const string Cooling = "cooling";
    public const string Error = "error";
    public const string Disabled = "disabled";

    public static AccountStatusView From(AccountRecord record, RelaySnapshot snapshot, IHotState hotState, DateTimeOffset now)
    {
        var limits = record.Limits.Count > 0 && snapshot.AccountsById.TryGetValue(record.Id, out var current)
            ? LimitStatus.ForAccount(hotState, snapshot, current, now)
            : null;
        var lastError = hotState.GetStatus(record.Id, now).LastError is { } error ? new AccountErrorView(error.At, error.Status, error.Message) : null;
        var observed = hotState.GetUsageWindows(record.Id) is { Report.Windows.Count: > 0 } seen ? seen : null;
        return Health(record, snapshot, hotState, now) with
        {
            Limits = limits,
            LastError = lastError,
            UsageWindows = observed?.Report.Windows.Select(UsageWindowView.From).ToArray(),
            UsageWindowsObservedAt = observed?.ObservedAt,
        };
    }

    /// <summary>Just the state (<see cref="Active"/>, <see cref="Cooling"/>, <see cref="Error"/> or <see cref="Disabled"/>), for counts.</summary>
    public static string StateOf(AccountRecord record, RelaySnapshot snapshot, IHotState hotState, DateTimeOffset now) =>
        Health(record, snapshot, hotState, now).State;

    private static AccountStatusView Health(AccountRecord record, RelaySnapshot snapshot, IHotState hotState, DateTimeOffset now)
    {
        var live = hotState.GetStatus(record.Id, now);

        // Order matters: an operator's switch beats everything, then a problem no cooldown will fix
        // (a secret the master key cannot decrypt), then the live health the request path maintains.
        if (!record.Enabled)
        {
            return new(Disabled, null, null, live.InFlight);
        }

        if (snapshot.AccountsById.TryGetValue(record.Id, out var entry) && entry.UnusableReason is { } unusable)
        {
            return new(Error, null, unusable, live.InFlight);
        }

        return live.Health switch
        {
            AccountHealth.Cooling => new(Cooling, live.Until, live.Reason, live.InFlight),
            AccountHealth.Error => new(Error, live.Until, live.Reason, live.InFlight),
            _ => new(Active, null, null, live.InFlight),
        };
    }
}

/// <summary>When the last failed attempt happened, the upstream's status (0 = no answer) and what went wrong.</summary>
internal sealed record AccountErrorView(DateTimeOffset At, int Status, string Message);

/// <summary>
/// One usage window as the upstream reported it: <c>utilization</c> is a fraction for every provider (0.21 = 21 %, may
/// exceed 1), <c>resetsAt</c> when it resets, <c>status</c> the provider's own (<c>allowed</c>, <c>allowed_warning</c>,
/// <c>rejected</c>; Anthropic only).
/// </summary>
internal sealed record UsageWindowView(string Window, double? Utilization, DateTimeOffset? ResetsAt, string? Status)
{
    public static UsageWindowView From(Relay.Protocols.RateLimits.UsageWindow window) =>
        new(window.Window, window.Utilization, window.ResetsAt, window.Status);
}
