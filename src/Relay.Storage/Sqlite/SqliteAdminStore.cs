using Dapper;
using Microsoft.Data.Sqlite;
using Relay.Core.Admins;
using Relay.Core.Storage;

namespace Relay.Storage.Sqlite;

/// <summary><see cref="IAdminStore"/> on the shared SQLite file. Writes here do not bump <c>config_version</c>.</summary>
public sealed class SqliteAdminStore(SqliteDatabase database) : IAdminStore
{
    private const string UserColumns = "id AS Id, username AS Username, password_hash AS PasswordHash, created_at AS CreatedAt, updated_at AS UpdatedAt, last_sign_in_at AS LastSignInAt";

    public async Task<IReadOnlyList<AdminUserRecord>> ListUsersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM admin_users ORDER BY username", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToRecord())];
    }

    public async Task<AdminUserRecord?> GetUserByNameAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            $"SELECT {UserColumns} FROM admin_users WHERE username = @username", new { username }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRecord();
    }

    public async Task InsertUserAsync(AdminUserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertUserSql, Parameters(user), cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 2067)
        {
            throw new DuplicateNameException($"An admin named '{user.Username}' already exists.", ex);
        }
    }

    public async Task<bool> InsertFirstUserAsync(AdminUserRecord user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // IMMEDIATE: two processes starting on a fresh data directory create one first admin, not two.
        using var transaction = connection.BeginTransaction(deferred: false);
        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM admin_users", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (count > 0)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertUserSql, Parameters(user), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        transaction.Commit();
        return true;
    }

    public async Task<bool> UpgradePasswordHashAsync(string userId, string expectedHash, string newHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_users SET password_hash = @newHash WHERE id = @userId AND password_hash = @expectedHash",
            new { userId, expectedHash, newHash },
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    public async Task<bool> SetPasswordAsync(string userId, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction(deferred: false);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_users SET password_hash = @passwordHash, updated_at = @at WHERE id = @userId",
            new { userId, passwordHash, at = UnixTime.ToMilliseconds(at) },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (rows == 0)
        {
            return false;
        }

        // A new password signs the user out everywhere: whoever knew the old one loses their session too.
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_sessions WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        transaction.Commit();
        return true;
    }

    public async Task MarkSignedInAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_users SET last_sign_in_at = @at WHERE id = @userId",
            new { userId, at = UnixTime.ToMilliseconds(at) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> DeleteUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Sessions go with the user (ON DELETE CASCADE; foreign keys are on for every connection).
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_users WHERE id = @userId", new { userId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task InsertSessionAsync(AdminSessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO admin_sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
            VALUES (@TokenHash, @UserId, @CreatedAt, @LastSeenAt, @ExpiresAt)
            """,
            new
            {
                session.TokenHash,
                session.UserId,
                CreatedAt = UnixTime.ToMilliseconds(session.CreatedAt),
                LastSeenAt = UnixTime.ToMilliseconds(session.LastSeenAt),
                ExpiresAt = UnixTime.ToMilliseconds(session.ExpiresAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<AdminSessionRecord?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            """
            SELECT s.token_hash AS TokenHash, s.user_id AS UserId, u.username AS Username,
                   s.created_at AS CreatedAt, s.last_seen_at AS LastSeenAt, s.expires_at AS ExpiresAt
            FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
            WHERE s.token_hash = @tokenHash
            """,
            new { tokenHash },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null
            ? null
            : new AdminSessionRecord(
                row.TokenHash,
                row.UserId,
                row.Username,
                UnixTime.FromMilliseconds(row.CreatedAt),
                UnixTime.FromMilliseconds(row.LastSeenAt),
                UnixTime.FromMilliseconds(row.ExpiresAt));
    }

    public async Task TouchSessionAsync(string tokenHash, DateTimeOffset lastSeenAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_sessions SET last_seen_at = MAX(last_seen_at, @at) WHERE token_hash = @tokenHash",
            new { tokenHash, at = UnixTime.ToMilliseconds(lastSeenAt) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<bool> DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_sessions WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, TimeSpan idle, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var nowMs = UnixTime.ToMilliseconds(now);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM admin_sessions WHERE expires_at <= @now OR last_seen_at <= @idleCutoff",
            new { now = nowMs, idleCutoff = nowMs - (long)idle.TotalMilliseconds },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private const string InsertUserSql = """
        INSERT INTO admin_users (id, username, password_hash, created_at, updated_at, last_sign_in_at)
        VALUES (@Id, @Username, @PasswordHash, @CreatedAt, @UpdatedAt, @LastSignInAt)
        """;

    private static object Parameters(AdminUserRecord user) => new
    {
        user.Id,
        user.Username,
        user.PasswordHash,
        CreatedAt = UnixTime.ToMilliseconds(user.CreatedAt),
        UpdatedAt = UnixTime.ToMilliseconds(user.UpdatedAt),
        LastSignInAt = UnixTime.ToMilliseconds(user.LastSignInAt),
    };

    private sealed class UserRow
    {
        public string Id { get; set; } = "";
        public string Username { get; set; } = "";
        public string PasswordHash { get; set; } = "";
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long? LastSignInAt { get; set; }

        public AdminUserRecord ToRecord() => new(
            Id, Username, PasswordHash, UnixTime.FromMilliseconds(CreatedAt), UnixTime.FromMilliseconds(UpdatedAt), UnixTime.FromMilliseconds(LastSignInAt));
    }

    private sealed class SessionRow
    {
        public string TokenHash { get; set; } = "";
        public string UserId { get; set; } = "";
        public string Username { get; set; } = "";
        public long CreatedAt { get; set; }
        public long LastSeenAt { get; set; }
        public long ExpiresAt { get; set; }
    }
}
