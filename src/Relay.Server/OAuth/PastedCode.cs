namespace Relay.Server.OAuth;

/// <summary>
/// What an operator pastes back after a browser sign-in: Claude's page shows <c>CODE#STATE</c>; a loopback redirect
/// (Codex's) fails to load on a remote Relay and the address bar holds <c>…?code=…&amp;state=…</c>; some copy just the
/// code. <see cref="Error"/> is the provider's error code when the callback URL reports one (e.g. <c>access_denied</c>).
/// </summary>
internal sealed class PastedCode
{
    private const int MaxLength = 8 * 1024;

    private PastedCode(string? code, string? state, string? error)
    {
        Code = code;
        State = state;
        Error = error;
    }

    public string? Code { get; }

    /// <summary>The state that came with the code; null when only the bare code was pasted.</summary>
    public string? State { get; }

    public string? Error { get; }

    /// <summary>Null when the text holds no code at all. Never keeps anything beyond the code, state and error code.</summary>
    public static PastedCode? Parse(string? text)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return null;
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
            {
                return null;
            }

            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
            string? Value(string name) => query.TryGetValue(name, out var value) && value.ToString() is { Length: > 0 } v ? v : null;
            if (Value("error") is { } error)
            {
                return new PastedCode(null, Value("state"), SafeErrorCode(error));
            }

            return Value("code") is { } code ? new PastedCode(code, Value("state"), null) : null;
        }

        // CODE#STATE as Claude's page shows it; a stray "&…" after the code is cut off as the providers' own CLIs do.
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var codePart = hash < 0 ? text : text[..hash];
        var statePart = hash < 0 ? null : text[(hash + 1)..];
        var amp = codePart.IndexOf('&', StringComparison.Ordinal);
        if (amp >= 0)
        {
            codePart = codePart[..amp];
        }

        return codePart.Length == 0 ? null : new PastedCode(codePart, string.IsNullOrEmpty(statePart) ? null : statePart, null);
    }

    /// <summary>An RFC 6749 error code is a short token; anything else is not repeated to the operator.</summary>
    public static bool IsErrorCode(string error) =>
        error.Length is > 0 and <= 64 && error.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary>The error code, or <c>unrecognised_error</c> for anything that is not one.</summary>
    public static string SafeErrorCode(string error) => IsErrorCode(error) ? error : "unrecognised_error";
}
