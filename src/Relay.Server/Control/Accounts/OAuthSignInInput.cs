using Relay.Server.Control.Limits;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// The account a sign-in or import ends with: the fields of <c>POST /api/accounts</c> that are the operator's to
/// choose (platform, type, shapes and the credential come from the provider). For a re-sign-in (<c>accountId</c>) the
/// given fields change the account like a PATCH.
/// </summary>
internal sealed record SignInAccountInput
{
    public string? Name { get; init; }
    public string? BaseUrl { get; init; }
    public int? Priority { get; init; }
    public int? Weight { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyList<string>? Models { get; init; }
    public IReadOnlyDictionary<string, string>? ModelMap { get; init; }
    public IReadOnlyList<string>? Groups { get; init; }
    public bool? Shared { get; init; }
    public IReadOnlyList<LimitRuleInput>? Limits { get; init; }

    /// <summary>Every call to the provider during the sign-in goes through it, and so does the account's traffic after.</summary>
    public string? Proxy { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary><c>POST /api/accounts/oauth/{provider}/start</c>.</summary>
internal sealed record SignInStartInput
{
    /// <summary><c>browser</c> (default), <c>setup-token</c> or <c>device</c>.</summary>
    public string? Method { get; init; }

    /// <summary>An existing oauth account of this provider to sign in again (its tokens are replaced).</summary>
    public string? AccountId { get; init; }

    public SignInAccountInput? Account { get; init; }
}

/// <summary><c>POST /api/accounts/oauth/{provider}/complete</c>: <c>code</c> is <c>CODE#STATE</c>, the bare code or the callback URL.</summary>
internal sealed record SignInCompleteInput
{
    public string? SessionId { get; init; }
    public string? Code { get; init; }
}

/// <summary><c>POST /api/accounts/oauth/{provider}/poll</c>.</summary>
internal sealed record SignInPollInput
{
    public string? SessionId { get; init; }
}

/// <summary><c>POST /api/accounts/oauth/{provider}/import</c>: the text of a credentials file, or a token.</summary>
internal sealed record CredentialImportInput
{
    public string? Credentials { get; init; }
    public string? AccountId { get; init; }
    public SignInAccountInput? Account { get; init; }
}

/// <summary>
/// A started sign-in. Browser flows: open <c>authorizeUrl</c>, then complete with what the page shows. Device flow:
/// enter <c>userCode</c> at <c>verificationUrl</c>, then poll every <c>intervalSeconds</c>.
/// </summary>
internal sealed record SignInStarted(
    string SessionId,
    string Provider,
    string Method,
    string? AuthorizeUrl,
    string? RedirectUri,
    string? VerificationUrl,
    string? UserCode,
    int? IntervalSeconds,
    DateTimeOffset ExpiresAt);

/// <summary>A device sign-in the operator has not approved yet.</summary>
internal sealed record SignInPending(string Status, int IntervalSeconds);

/// <summary>How a completion, poll or import ended: an account (created or signed in again) or, for a poll, still pending.</summary>
internal sealed record SignInResult(AccountView? Account, bool Created, SignInPending? Pending)
{
    public int StatusCode => Pending is not null ? StatusCodes.Status202Accepted : Created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
}

/// <summary>One entry of <c>GET /api/accounts/oauth/providers</c>.</summary>
internal sealed record OAuthProviderView(
    string Id,
    string DisplayName,
    string Platform,
    IReadOnlyList<string> Methods,
    IReadOnlyList<string> ImportFormats,
    string? Terms);
