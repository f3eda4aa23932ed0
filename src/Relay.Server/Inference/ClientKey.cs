using Relay.Core.Security;
using Relay.Core.Snapshots;
using Relay.Server.Admission;

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

        // Azure-style OpenAI clients send the key as api-key.
        var azureKey = request.Headers["api-key"];
        if (azureKey.Count > 0 && !string.IsNullOrEmpty(azureKey[0]))
        {
            return azureKey[0];
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value["Bearer ".Length..].Trim();
        }

        return null;
    }

    /// <returns>The key entry, or null with a message safe to show (it never contains the key).</returns>
    public static KeyEntry? Authenticate(HttpRequest request, RelaySnapshot snapshot, DateTimeOffset now, KeyFirstUse firstUse, out string refusal)
    {
        var presented = Find(request);
        if (string.IsNullOrEmpty(presented))
        {
            refusal = "No API key was provided. Send your relay key in the x-api-key header or as Authorization: Bearer.";
            return null;
        }

        // The shape check turns junk away before any hashing; real keys are found by their hash.
        if (!RelayKeyGenerator.LooksLikeKey(presented) || !snapshot.KeysByHash.TryGetValue(RelayKeyGenerator.Hash(presented), out var key))
        {
            refusal = "invalid x-api-key";
            return null;
        }

        if (key.RefusalReason(now, firstUse.Get(key)) is { } reason)
        {
            refusal = reason;
            return null;
        }

        refusal = string.Empty;
        return key;
    }
}
