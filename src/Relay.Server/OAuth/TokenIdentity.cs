using System.Buffers.Text;
using System.Text.Json;

namespace Relay.Server.OAuth;

/// <summary>
/// Who a token set belongs to, for the operator's view and for providers that want the account named on each request
/// (ChatGPT's <c>chatgpt-account-id</c>). Read from what the token endpoint answered: Anthropic's <c>account</c> and
/// <c>organization</c> objects, or an OpenID Connect id token's claims. None of it is a secret.
/// </summary>
internal sealed record TokenIdentity(string? AccountId, string? Email, string? Plan)
{
    private const string OpenAIAuthClaims = "https://api.openai.com/auth";
    private const string OpenAIProfileClaims = "https://api.openai.com/profile";

    public bool IsEmpty => AccountId is null && Email is null && Plan is null;

    /// <summary>From a token endpoint's JSON answer; null when it names nobody.</summary>
    public static TokenIdentity? FromAnswer(JsonElement answer)
    {
        // The id token whole (JWTs run to kilobytes); FromIdToken bounds what it decodes.
        if (answer.TryGetProperty("id_token", out var idToken) && idToken.ValueKind == JsonValueKind.String
            && FromIdToken(idToken.GetString()!) is { } fromToken)
        {
            return fromToken;
        }

        string? accountId = null, email = null;
        if (answer.TryGetProperty("account", out var account) && account.ValueKind == JsonValueKind.Object)
        {
            accountId = Text(account, "uuid");
            email = Text(account, "email_address") ?? Text(account, "email");
        }

        var identity = new TokenIdentity(accountId, email, null);
        return identity.IsEmpty ? null : identity;
    }

    /// <summary>
    /// The claims of an id token (a JWT) Relay received straight from the token endpoint over TLS; the signature is not
    /// checked because nothing here grants access: it only labels the account and names it to the same provider.
    /// Null when the token cannot be read or names nobody.
    /// </summary>
    public static TokenIdentity? FromIdToken(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[1].Length > 16 * 1024)
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            using var document = JsonDocument.Parse(payload);
            var claims = document.RootElement;
            if (claims.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? accountId = null, plan = null;
            if (claims.TryGetProperty(OpenAIAuthClaims, out var auth) && auth.ValueKind == JsonValueKind.Object)
            {
                accountId = Text(auth, "chatgpt_account_id");
                plan = Text(auth, "chatgpt_plan_type");
            }

            var email = Text(claims, "email");
            if (email is null && claims.TryGetProperty(OpenAIProfileClaims, out var profile) && profile.ValueKind == JsonValueKind.Object)
            {
                email = Text(profile, "email");
            }

            var identity = new TokenIdentity(accountId, email, plan);
            return identity.IsEmpty ? null : identity;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A short claim (ids, emails, plan names): anything longer is not one and is ignored.</summary>
    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 256 } text ? text : null;
}
