using System.Buffers.Text;
using System.Text.Json;

namespace Relay.Server.OAuth;

/// <summary>A token set read from a file another client wrote. A class, not a record, so nothing prints it.</summary>
internal sealed class ImportedCredentials
{
    public required string Format { get; init; }
    public required string AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? Scope { get; init; }
    public string? AccountId { get; init; }
    public string? Email { get; init; }
    public string? Plan { get; init; }
}

/// <summary>
/// Recognises the credential files of the providers' own CLIs (docs/design/subscription-accounts-research.md §1.3,
/// §1.4, §2.5): Claude Code's <c>.credentials.json</c>, a long-lived Claude token (<c>sk-ant-oat…</c>), Codex's
/// <c>auth.json</c>. Errors say what was expected and never quote the text, which is a credential.
/// </summary>
internal static class CredentialImport
{
    public const string ClaudeCredentials = "claude-credentials";
    public const string ClaudeSetupToken = "claude-setup-token";
    public const string CodexAuth = "codex-auth";

    private const int MaxLength = 256 * 1024;

    /// <summary>The formats a provider's tokens come in: only the built-in providers' own clients write files Relay knows.</summary>
    public static IReadOnlyList<string> FormatsOf(OAuthProvider provider) => provider.Id switch
    {
        OAuthProviderCatalog.Claude => [ClaudeCredentials, ClaudeSetupToken],
        OAuthProviderCatalog.ChatGpt => [CodexAuth],
        _ => [],
    };

    /// <summary>The credentials in <paramref name="text"/>, or an error for the operator (the format is checked by the caller).</summary>
    public static (ImportedCredentials? Credentials, string? Error) Read(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, "Field 'credentials' is required: the content of the credentials file or the token.");
        }

        if (text.Length > MaxLength)
        {
            return (null, $"Field 'credentials' is larger than {MaxLength} characters; it is not a credentials file.");
        }

        if (text.StartsWith("sk-ant-oat", StringComparison.Ordinal))
        {
            // A setup token has no refresh token, and its expiry is not in the string: none is stored rather than a guess.
            return text.Any(char.IsWhiteSpace)
                ? (null, "The Claude token must be a single 'sk-ant-oat…' string without spaces.")
                : (new ImportedCredentials { Format = ClaudeSetupToken, AccessToken = text }, null);
        }

        if (!text.StartsWith('{'))
        {
            return (null, Expected("The credentials are neither JSON nor a Claude token"));
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, Expected("The credentials are not a JSON object"));
            }

            if (root.TryGetProperty("claudeAiOauth", out var claude))
            {
                return ReadClaude(claude);
            }

            if (root.TryGetProperty("tokens", out var tokens))
            {
                return ReadCodex(tokens);
            }

            return (null, Expected("The JSON has neither 'claudeAiOauth' nor 'tokens'"));
        }
        catch (JsonException ex)
        {
            // The position only: the exception's message may quote the text.
            return (null, $"The credentials are not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }
    }

    public static string Describe(IReadOnlyList<string> formats) => formats.Count == 0
        ? "this provider has no import format"
        : string.Join(" or ", formats.Select(f => f switch
        {
            ClaudeCredentials => "a Claude Code credentials file (.credentials.json, {\"claudeAiOauth\":…})",
            ClaudeSetupToken => "a Claude long-lived token (sk-ant-oat…)",
            CodexAuth => "a Codex auth.json ({\"tokens\":…})",
            _ => f,
        }));

    private static string Expected(string what) =>
        $"{what}. Expected a Claude Code credentials file, a Claude 'sk-ant-oat…' token or a Codex auth.json.";

    private static (ImportedCredentials?, string?) ReadClaude(JsonElement oauth)
    {
        if (oauth.ValueKind != JsonValueKind.Object || Text(oauth, "accessToken") is not { } accessToken)
        {
            return (null, "The Claude Code credentials have no 'claudeAiOauth.accessToken'.");
        }

        DateTimeOffset? expiresAt = null;
        if (oauth.TryGetProperty("expiresAt", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var ms)
            && ms > 0 && ms < DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        string? scope = null;
        if (oauth.TryGetProperty("scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array)
        {
            scope = string.Join(' ', scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()));
        }

        return (new ImportedCredentials
        {
            Format = ClaudeCredentials,
            AccessToken = accessToken,
            RefreshToken = Text(oauth, "refreshToken"),
            ExpiresAt = expiresAt,
            Scope = string.IsNullOrEmpty(scope) ? null : scope,
            Plan = Label(oauth, "subscriptionType"),
        }, null);
    }

    private static (ImportedCredentials?, string?) ReadCodex(JsonElement tokens)
    {
        if (tokens.ValueKind != JsonValueKind.Object || Text(tokens, "access_token") is not { } accessToken)
        {
            return (null, "The Codex auth.json has no 'tokens.access_token' (signed in with an API key? import that as an API-key account).");
        }

        var identity = Text(tokens, "id_token") is { } idToken ? TokenIdentity.FromIdToken(idToken) : null;
        return (new ImportedCredentials
        {
            Format = CodexAuth,
            AccessToken = accessToken,
            RefreshToken = Text(tokens, "refresh_token"),
            ExpiresAt = JwtExpiry(accessToken),
            AccountId = Label(tokens, "account_id") ?? identity?.AccountId,
            Email = identity?.Email,
            Plan = identity?.Plan,
        }, null);
    }

    /// <summary>The <c>exp</c> claim of an access token that is a JWT (Codex's are); null for an opaque token.</summary>
    private static DateTimeOffset? JwtExpiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length > 16 * 1024)
        {
            return null;
        }

        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return claims.RootElement.ValueKind == JsonValueKind.Object
                && claims.RootElement.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds)
                && seconds > 0 && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>A short, non-secret label (plan, account id); longer values are not kept.</summary>
    private static string? Label(JsonElement root, string name) => Text(root, name) is { Length: <= 256 } text ? text : null;
}
