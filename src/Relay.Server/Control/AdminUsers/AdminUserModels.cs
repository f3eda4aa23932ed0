using System.Text.Json.Serialization;

namespace Relay.Server.Control.AdminUsers;

/// <summary>An admin user as <c>GET /api/admin-users</c> shows it: never the password or its hash.</summary>
/// <param name="Current">True for the user signed in with the session cookie that made this request (false for every user with the admin token).</param>
internal sealed record AdminUserItem(string Username, DateTimeOffset CreatedAt, bool Current)
{
    public DateTimeOffset? LastSignInAt { get; init; }
}

/// <summary>Body of <c>POST /api/admin-users</c>; no password = Relay generates one and returns it once.</summary>
internal sealed record AdminUserInput
{
    public string? Username { get; init; }
    public string? Password { get; init; }
}

/// <summary>Body of <c>PUT /api/admin-users/{username}/password</c>; no body or no password = generate one.</summary>
internal sealed record AdminPasswordInput
{
    public string? Password { get; init; }
}

/// <summary>The answer of add and set-password: the user, and the password only when Relay generated it (shown this once).</summary>
internal sealed record AdminUserCredentials(string Username)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; init; }
}
