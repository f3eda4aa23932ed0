using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// Turns the conversation hints of a Messages request into a sticky-session key, so follow-up turns land on the
/// account whose prompt cache is warm.
/// </summary>
internal static class SessionKeys
{
    private const string UserPrefix = "u:";
    private const string HashPrefix = "h:";

    /// <summary>
    /// Claude Code sends metadata.user_id as a JSON object in a string (newer) or as
    /// <c>user_&lt;hex&gt;_account_&lt;uuid&gt;_session_&lt;uuid&gt;</c> (older); any other id is used whole.
    /// </summary>
    public static string? FromUserId(ReadOnlySpan<byte> userId)
    {
        if (userId.IsEmpty)
        {
            return null;
        }

        var trimmed = userId.TrimStart(" \t\r\n"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'{')
        {
            return SessionIdFromJson(trimmed) ?? Prefixed(UserPrefix, userId);
        }

        int marker = userId.LastIndexOf("_session_"u8);
        if (marker >= 0 && marker + "_session_"u8.Length < userId.Length)
        {
            return Prefixed(UserPrefix, userId[(marker + "_session_"u8.Length)..]);
        }

        return Prefixed(UserPrefix, userId);
    }

    /// <summary>
    /// Bytes of each part that go into the hash. Bounded so a 500 KB prompt costs the same as a small
    /// one; the full lengths are hashed too, so prompts that differ only past the bound and in size still differ.
    /// </summary>
    internal const int MaxHashedBytesPerPart = 16 * 1024;

    /// <summary>SHA-256 of the (bounded) raw system value and raw first user message; null when both are absent.</summary>
    public static string? FromContent(ReadOnlySpan<byte> system, ReadOnlySpan<byte> firstUserMessage)
    {
        if (system.IsEmpty && firstUserMessage.IsEmpty)
        {
            return null;
        }

        Span<byte> lengths = stackalloc byte[16];
        BitConverter.TryWriteBytes(lengths, (long)system.Length);
        BitConverter.TryWriteBytes(lengths[8..], (long)firstUserMessage.Length);

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            hash.AppendData(system[..Math.Min(system.Length, MaxHashedBytesPerPart)]);
            hash.AppendData(firstUserMessage[..Math.Min(firstUserMessage.Length, MaxHashedBytesPerPart)]);
            hash.AppendData(lengths);
            hash.GetHashAndReset(digest);
        }

        Span<char> text = stackalloc char[HashPrefix.Length + 32];
        HashPrefix.CopyTo(text);
        Convert.TryToHexStringLower(digest[..16], text[HashPrefix.Length..], out _);
        return new string(text);
    }

    private static string? SessionIdFromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isSession = reader.ValueTextEquals("session_id"u8);
                reader.Read();
                if (isSession && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    return reader.ValueIsEscaped
                        ? UserPrefix + reader.GetString()
                        : Prefixed(UserPrefix, reader.ValueSpan);
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not the JSON form after all: the caller falls back to the whole id.
        }

        return null;
    }

    private static string Prefixed(string prefix, ReadOnlySpan<byte> utf8)
    {
        int max = prefix.Length + Encoding.UTF8.GetMaxCharCount(utf8.Length);
        char[]? rented = null;
        Span<char> buffer = max <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            prefix.CopyTo(buffer);
            int written = Encoding.UTF8.GetChars(utf8, buffer[prefix.Length..]);
            return new string(buffer[..(prefix.Length + written)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
