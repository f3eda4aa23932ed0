using Relay.Server.Forwarding.Exchanges;

namespace Relay.Server.Forwarding;

/// <summary>
/// Recognises a subscription account's refusal of a request it may not serve — as opposed to a request that is wrong
/// (the client's fault, passed through) or a credential that is dead (the account's fault, cooled or in error).
/// Anthropic answers a Claude sign-in's token used for anything but Claude Code with 400 <c>invalid_request_error</c>
/// "This credential is only authorized for use with Claude Code and cannot be used for other API requests."
/// (docs/design/subscription-accounts-research.md §1.6). Relay does not disguise the request to get past it; it asks
/// the next account instead.
/// </summary>
internal static class SubscriptionRefusals
{
    public const string ClaudeCodeOnlyReason = "subscription account refused a non-Claude Code request";

    private const string ClaudeCodeOnlyText = "only authorized for use with Claude Code";

    /// <summary>True when an error body is Anthropic's "only authorized for use with Claude Code" refusal.</summary>
    public static bool IsClaudeCodeOnly(ReadOnlySpan<byte> body)
    {
        var (type, message) = UpstreamErrors.Read(body);
        return string.Equals(type, "invalid_request_error", StringComparison.Ordinal)
            && message is not null
            && message.Contains(ClaudeCodeOnlyText, StringComparison.OrdinalIgnoreCase);
    }
}
