namespace Relay.Server.Control.Sessions;

/// <summary>Body of <c>POST /api/session</c>.</summary>
internal sealed record SignInInput
{
    public string? Username { get; init; }
    public string? Password { get; init; }
}

/// <summary>Answer of <c>POST</c> and <c>GET /api/session</c>: who is signed in, and the value to send as <c>X-CSRF-Token</c>.</summary>
internal sealed record SessionView(string Username, string CsrfToken);

/// <summary>An admin user as the CLI lists it; never the password hash.</summary>
internal sealed record AdminUserView(string Id, string Username, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastSignInAt);

/// <summary>A request authenticated by a session cookie.</summary>
internal sealed record AdminSession(string UserId, string Username, string Token, string TokenHash);
