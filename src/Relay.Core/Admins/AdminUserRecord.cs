namespace Relay.Core.Admins;

/// <summary>A person who may sign in to the Control API. <see cref="PasswordHash"/> is a <see cref="Security.PasswordHasher"/> string.</summary>
public sealed record AdminUserRecord(
    string Id,
    string Username,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastSignInAt);

/// <summary>
/// A signed-in browser. Only the SHA-256 of the session token is stored (<see cref="TokenHash"/>, hex), so
/// a copy of the database cannot be turned into a working cookie.
/// </summary>
public sealed record AdminSessionRecord(
    string TokenHash,
    string UserId,
    string Username,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt);
