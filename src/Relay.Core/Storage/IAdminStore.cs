using Relay.Core.Admins;

namespace Relay.Core.Storage;

/// <summary>
/// Admin users and their sign-in sessions. Kept apart from <see cref="IConfigStore"/>: none of this is
/// part of the routing snapshot, so writes here (a sign-in, a session's last-seen time) do not bump the
/// config version and never make the server rebuild its snapshot.
/// </summary>
public interface IAdminStore
{
    Task<IReadOnlyList<AdminUserRecord>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Case-insensitive.</summary>
    Task<AdminUserRecord?> GetUserByNameAsync(string username, CancellationToken cancellationToken = default);

    /// <exception cref="DuplicateNameException">Another admin has this user name (case-insensitive).</exception>
    Task InsertUserAsync(AdminUserRecord user, CancellationToken cancellationToken = default);

    /// <summary>Inserts <paramref name="user"/> only when there is no admin user at all (first start); false when one exists.</summary>
    Task<bool> InsertFirstUserAsync(AdminUserRecord user, CancellationToken cancellationToken = default);

    /// <summary>Replaces the password hash and ends every session of that user.</summary>
    Task<bool> SetPasswordAsync(string userId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces a stored hash with a stronger hash of the same password (more iterations), only if it is still
    /// <paramref name="expectedHash"/>. Unlike <see cref="SetPasswordAsync"/> it signs nobody out: the password did not change.
    /// </summary>
    Task<bool> UpgradePasswordHashAsync(string userId, string expectedHash, string newHash, CancellationToken cancellationToken = default);

    Task MarkSignedInAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Deletes the user and all of their sessions.</summary>
    Task<bool> DeleteUserAsync(string userId, CancellationToken cancellationToken = default);

    Task InsertSessionAsync(AdminSessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>The session with that token hash, with its user's current name; null when there is none.</summary>
    Task<AdminSessionRecord?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task TouchSessionAsync(string tokenHash, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default);

    Task<bool> DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Removes sessions past their absolute expiry or idle for longer than <paramref name="idle"/>.</summary>
    Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, TimeSpan idle, CancellationToken cancellationToken = default);
}
