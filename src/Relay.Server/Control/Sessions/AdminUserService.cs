using System.Security.Cryptography;
using Relay.Core.Admins;
using Relay.Core.Security;
using Relay.Core.Storage;

namespace Relay.Server.Control.Sessions;

/// <summary>Admin users: the first one on first start, and the <c>relay admin users …</c> verbs.</summary>
internal sealed class AdminUserService(IAdminStore store, TimeProvider time)
{
    public const string FirstUsername = "admin";
    public const int MinPasswordLength = 12;
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private const int GeneratedLength = 24;

    /// <summary>Creates <c>admin</c> with a generated password when there is no admin user; returns that password (the only time it exists in clear).</summary>
    public async Task<string?> EnsureFirstAdminAsync(CancellationToken cancellationToken)
    {
        if ((await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return null;
        }

        var password = GeneratePassword();
        var now = time.GetUtcNow();
        var user = new AdminUserRecord(IdGenerator.New("adm"), FirstUsername, PasswordHasher.Hash(password), now, now, null);
        return await store.InsertFirstUserAsync(user, cancellationToken).ConfigureAwait(false) ? password : null;
    }

    public async Task<IReadOnlyList<AdminUserView>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListUsersAsync(cancellationToken).ConfigureAwait(false)).Select(View)];

    /// <summary>Adds a user; with no password given, generates one. Returns the view and the generated password, if any.</summary>
    public async Task<Outcome<(AdminUserView View, string? Generated)>> AddAsync(string username, string? password, CancellationToken cancellationToken)
    {
        if ((ValidateUsername(username) ?? ValidatePassword(password)) is { } invalid)
        {
            return invalid;
        }

        var generated = password is null ? GeneratePassword() : null;
        var now = time.GetUtcNow();
        var user = new AdminUserRecord(IdGenerator.New("adm"), username, PasswordHasher.Hash(password ?? generated!), now, now, null);
        try
        {
            await store.InsertUserAsync(user, cancellationToken).ConfigureAwait(false);
        }
        catch (DuplicateNameException)
        {
            return ControlError.Conflict($"An admin user named '{username}' already exists (names ignore case).");
        }

        return (View(user), generated);
    }

    /// <summary>Replaces the password (generated when none is given) and signs the user out everywhere.</summary>
    public async Task<Outcome<string?>> SetPasswordAsync(string username, string? password, CancellationToken cancellationToken)
    {
        if (ValidatePassword(password) is { } invalid)
        {
            return invalid;
        }

        var user = await store.GetUserByNameAsync(username, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return ControlError.NotFound($"No admin user named '{username}'.");
        }

        var generated = password is null ? GeneratePassword() : null;
        await store.SetPasswordAsync(user.Id, PasswordHasher.Hash(password ?? generated!), time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return Outcome<string?>.Success(generated);
    }

    /// <summary>Removes a user and their sessions. The last admin user stays: set its password instead.</summary>
    public async Task<ControlError?> RemoveAsync(string username, CancellationToken cancellationToken)
    {
        var users = await store.ListUsersAsync(cancellationToken).ConfigureAwait(false);
        var user = users.FirstOrDefault(u => string.Equals(u.Username, username, StringComparison.OrdinalIgnoreCase));
        if (user is null)
        {
            return ControlError.NotFound($"No admin user named '{username}'.");
        }

        if (users.Count == 1)
        {
            return ControlError.Conflict($"'{user.Username}' is the last admin user; add another first, or use set-password.");
        }

        await store.DeleteUserAsync(user.Id, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static string GeneratePassword() => RandomNumberGenerator.GetString(PasswordAlphabet, GeneratedLength);

    private static ControlError? ValidateUsername(string username) =>
        username.Length is >= 1 and <= 64 && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? null
            : ControlError.Invalid("A user name is 1 to 64 characters: letters, digits, '.', '_', '-' or '@'.");

    private static ControlError? ValidatePassword(string? password) =>
        password is null || password.Length >= MinPasswordLength
            ? null
            : ControlError.Invalid($"A password needs at least {MinPasswordLength} characters.");

    private static AdminUserView View(AdminUserRecord user) => new(user.Id, user.Username, user.CreatedAt, user.UpdatedAt, user.LastSignInAt);
}
