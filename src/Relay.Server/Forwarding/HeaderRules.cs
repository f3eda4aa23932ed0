using System.Collections.Frozen;

namespace Relay.Server.Forwarding;

/// <summary>
/// Which headers cross the relay. Client headers are end-to-end by default (anthropic-version,
/// anthropic-beta, user-agent, x-app, x-stainless-*, session ids all pass); what is dropped is either
/// hop-by-hop, the client's credential, or something Relay must own (content length, encoding).
/// </summary>
internal static class HeaderRules
{
    private static readonly FrozenSet<string> DroppedRequestHeaders = FrozenSet.ToFrozenSet(
    [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
        "proxy-authorization", "proxy-authenticate", "te", "trailer", "upgrade", "expect",

        // The client's relay key must never reach a provider.
        "x-api-key", "authorization", "api-key", "x-goog-api-key",

        // Relay reads the stream to account for it, so it asks the upstream for identity encoding.
        "accept-encoding",
        "cookie",

        // Set by Relay for the chosen account.
        "content-type",
    ], StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> DroppedResponseHeaders = FrozenSet.ToFrozenSet(
    [
        "connection", "transfer-encoding", "keep-alive", "proxy-connection", "trailer", "upgrade",
        "set-cookie", "content-length", "alt-svc",
    ], StringComparer.OrdinalIgnoreCase);

    public static bool ForwardRequestHeader(string name) => !DroppedRequestHeaders.Contains(name);

    public static bool ForwardResponseHeader(string name) => !DroppedResponseHeaders.Contains(name);
}
