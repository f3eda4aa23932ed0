namespace Relay.Server.Control.Accounts;

/// <summary>
/// One sign-in in progress, held in memory only. The PKCE verifier (or the provider's device handle) never leaves the
/// server: no view, log line or error carries it. A class, not a record, so nothing prints it.
/// </summary>
internal sealed class SignInSession
{
    public required string Id { get; init; }
    public required string ProviderId { get; init; }
    public required string Method { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The existing account a re-sign-in replaces the tokens of; null: a new account.</summary>
    public string? AccountId { get; init; }

    /// <summary>The validated account fields the sign-in ends with (the account to create, or the changes to apply).</summary>
    public required AccountInput Account { get; init; }

    /// <summary>The proxy every call to the provider goes through; null: the existing account's route, or direct.</summary>
    public string? ProxyUrl { get; init; }

    /// <summary>Browser flows: the PKCE verifier, the state the pasted code must carry, the redirect URI sent at authorize.</summary>
    public string? Verifier { get; init; }
    public string? State { get; init; }
    public string? RedirectUri { get; init; }

    /// <summary>Device flow: the provider's handle and the code the operator enters.</summary>
    public string? DeviceAuthId { get; init; }
    public string? UserCode { get; init; }
    public int IntervalSeconds { get; init; }

    /// <summary>One completion at a time: a second paste waits, then finds the session used (or still open after a refusal).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
}
