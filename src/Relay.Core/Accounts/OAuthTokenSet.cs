using System.Text;
using System.Text.Json;

namespace Relay.Core.Accounts;

/// <summary>
/// The credential of an <see cref="AccountTypes.OAuth"/> account: what a token endpoint issued (RFC 6749 §5.1) plus
/// when Relay got it. Stored as JSON encrypted under the master key. A class, not a record, so that no generated
/// <c>ToString</c> can ever print a token.
/// </summary>
public sealed class OAuthTokenSet
{
    public required string AccessToken { get; init; }
    public string? RefreshToken { get; init; }

    /// <summary>When the access token stops working; null when the issuer did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? TokenType { get; init; }
    public string? Scope { get; init; }

    /// <summary>When this set was imported or refreshed: of two sets of one account, the later one wins.</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>The last successful refresh; null while the set is the one an operator imported.</summary>
    public DateTimeOffset? LastRefreshAt { get; init; }

    /// <summary>
    /// The provider's id of the signed-in account (ChatGPT's account id, sent on every request; Claude's account uuid);
    /// null when unknown. Kept with the tokens because a refresh may change it.
    /// </summary>
    public string? AccountId { get; init; }

    /// <summary>The signed-in user's email, to tell sign-ins apart; null when the provider did not say.</summary>
    public string? Email { get; init; }

    /// <summary>The subscription plan the provider named (<c>plus</c>, <c>pro</c>, <c>max</c> …); null when unknown.</summary>
    public string? Plan { get; init; }

    /// <summary>True when the access token is expired or expires within <paramref name="skew"/> of <paramref name="now"/>.</summary>
    public bool ExpiresWithin(TimeSpan skew, DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt - skew <= now;

    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("accessToken", AccessToken);
            WriteOptional(writer, "refreshToken", RefreshToken);
            WriteOptional(writer, "tokenType", TokenType);
            WriteOptional(writer, "scope", Scope);
            WriteOptional(writer, "accountId", AccountId);
            WriteOptional(writer, "email", Email);
            WriteOptional(writer, "plan", Plan);
            if (ExpiresAt is { } expiresAt)
            {
                writer.WriteNumber("expiresAt", expiresAt.ToUnixTimeMilliseconds());
            }

            writer.WriteNumber("issuedAt", IssuedAt.ToUnixTimeMilliseconds());
            if (LastRefreshAt is { } refreshedAt)
            {
                writer.WriteNumber("lastRefreshAt", refreshedAt.ToUnixTimeMilliseconds());
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public string ToJson() => Encoding.UTF8.GetString(ToJsonBytes());

    /// <exception cref="FormatException">Not a token set (no access token, or not JSON).</exception>
    public static OAuthTokenSet Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var accessToken = Text(root, "accessToken");
            if (string.IsNullOrEmpty(accessToken))
            {
                throw new FormatException("The stored token set has no access token.");
            }

            return new OAuthTokenSet
            {
                AccessToken = accessToken,
                RefreshToken = Text(root, "refreshToken"),
                TokenType = Text(root, "tokenType"),
                Scope = Text(root, "scope"),
                ExpiresAt = Time(root, "expiresAt"),
                IssuedAt = Time(root, "issuedAt") ?? DateTimeOffset.UnixEpoch,
                LastRefreshAt = Time(root, "lastRefreshAt"),
                AccountId = Text(root, "accountId"),
                Email = Text(root, "email"),
                Plan = Text(root, "plan"),
            };
        }
        catch (JsonException)
        {
            // Never the exception's text: it may quote the JSON, i.e. a token.
            throw new FormatException("The stored token set is not valid JSON.");
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds(value.GetInt64()) : null;
}
