using System.Text.RegularExpressions;
using Relay.Core.Snapshots;

namespace Relay.Server.Forwarding;

/// <summary>
/// What an operator is shown about a failed attempt (an account's last error, an account test): the upstream's own
/// message when it sent one, else Relay's short reason. Upstreams sometimes quote the credential they were given
/// (OpenAI: "Incorrect API key provided: sk-proj-****abcd"), so the account's secret and anything shaped like an API
/// key is masked, and the text is kept to one line.
/// </summary>
internal static partial class UpstreamErrorText
{
    private const string Mask = "[redacted]";

    public static string Describe(AttemptResult result, AccountEntry account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var message = string.IsNullOrWhiteSpace(result.UpstreamMessage) ? result.Reason ?? "upstream attempt failed" : result.UpstreamMessage;
        message = Scrub(message, account.Secret);
        if (account.Tokens is { } tokens)
        {
            message = Scrub(Scrub(message, tokens.AccessToken), tokens.RefreshToken);
        }

        // A proxy's password is a secret too (a proxy may echo it in an error page).
        return account.Proxy?.Password is { Length: >= 4 } password ? message.Replace(password, Mask, StringComparison.Ordinal) : message;
    }

    public static string Scrub(string message, string? secret)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 8)
        {
            message = message.Replace(secret, Mask, StringComparison.Ordinal);
        }

        message = KeyShaped().Replace(message, Mask);
        return LineBreaks().Replace(message, " ").Trim();
    }

    // sk-…, sk-ant-…, sk-proj-… (masked or not), Bearer tokens, and long unbroken tokens of letters and digits such as
    // Azure keys (a long hyphenated word without digits, like a header name, is left alone).
    [GeneratedRegex(@"(?:\bsk-[A-Za-z0-9_\-\*\.]{4,}|\bBearer\s+\S+|\b(?=[A-Za-z0-9_\-]*[0-9])(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}\b)", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShaped();

    [GeneratedRegex(@"[\r\n\t]+", RegexOptions.CultureInvariant)]
    private static partial Regex LineBreaks();
}
