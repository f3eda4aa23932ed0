using System.Security.Cryptography;
using System.Text;
using Relay.Core.Snapshots;

namespace Relay.Server.Inference;

/// <summary>Finds the caller's relay key in the request and resolves it against the snapshot.</summary>
internal static class ClientKey
{
    /// <summary>
    /// The key from <c>x-api-key</c> (what Anthropic clients send), else from <c>Authorization: Bearer</c>
    /// (what <c>ANTHROPIC_AUTH_TOKEN</c> and OpenAI-style clients send).
    /// </summary>
    public static string? Find(HttpRequest request)
    {
        var apiKey = request.Headers["x-api-key"];
        if (apiKey.Count > 0 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return apiKey[0];
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        return null;
    }

    /// <summary>The hash under which the snapshot indexes keys (lower-case hex SHA-256), computed without heap churn beyond the result.</summary>
    public static string Hash(string key)
    {
        if (key.Length > 512)
        {
            // Nothing that long was ever issued; do not spend effort hashing it.
            return string.Empty;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var written = Encoding.UTF8.GetBytes(key, utf8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(utf8[..written], hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <returns>The key entry, or null with a message safe to show (it never contains the key).</returns>
    public static KeyEntry? Authenticate(HttpRequest request, RelaySnapshot snapshot, DateTimeOffset now, out string refusal)
    {
        var presented = Find(request);
        if (string.IsNullOrEmpty(presented))
        {
            refusal = "No API key was provided. Send your relay key in the x-api-key header or as Authorization: Bearer.";
            return null;
        }

        if (!snapshot.KeysByHash.TryGetValue(Hash(presented), out var key))
        {
            refusal = "invalid x-api-key";
            return null;
        }

        if (key.RefusalReason(now) is { } reason)
        {
            refusal = reason;
            return null;
        }

        refusal = string.Empty;
        return key;
    }
}
