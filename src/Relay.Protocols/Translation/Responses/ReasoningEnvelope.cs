using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Carries an Anthropic thinking block through a Responses client inside a reasoning item's
/// <c>encrypted_content</c>, so the next turn can hand Claude the block back exactly (Claude rejects a tool-loop
/// turn whose thinking block or signature was altered). Codex sends <c>store: false</c> and
/// <c>include: ["reasoning.encrypted_content"]</c> and echoes every reasoning item of the history verbatim, which
/// is what makes a stateless round trip possible.
/// </summary>
/// <remarks>
/// Format, version 1: the ASCII prefix <c>relay.anthropic.v1:</c> followed by standard base64 of a JSON object that
/// is the Anthropic content block itself — <c>{"type":"thinking","thinking":…,"signature":…}</c> or
/// <c>{"type":"redacted_thinking","data":…}</c>. The text is kept here too (not only in the readable summary),
/// because the summary is the client's copy and may be trimmed or re-encoded. The content is not secret: Anthropic's
/// signature already protects it against tampering, and Relay stores nothing.
/// A later format gets a new prefix; a value with an unknown prefix is treated as foreign (not Relay's).
/// </remarks>
internal static class ReasoningEnvelope
{
    public const string Prefix = "relay.anthropic.v1:";

    public static string EncodeThinking(string thinking, string signature) => Encode(writer =>
    {
        writer.WriteString("type"u8, "thinking"u8);
        writer.WriteString("thinking"u8, thinking);
        writer.WriteString("signature"u8, signature);
    });

    public static string EncodeRedacted(string data) => Encode(writer =>
    {
        writer.WriteString("type"u8, "redacted_thinking"u8);
        writer.WriteString("data"u8, data);
    });

    /// <summary>True when the value carries Relay's prefix (of any content).</summary>
    public static bool IsRelays(string? encryptedContent) =>
        encryptedContent is not null && encryptedContent.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>
    /// Decodes a Relay envelope into the thinking block it carries. False when the prefix matches but the content
    /// is damaged (the caller refuses: it is Relay's data, corrupted, and dropping it would break the tool loop).
    /// </summary>
    public static bool TryDecode(string encryptedContent, out ThinkingBlock? block)
    {
        block = null;
        var encoded = encryptedContent.AsSpan(Prefix.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(encoded.Length) + 4);
        try
        {
            if (!Convert.TryFromBase64Chars(encoded, rented, out int length))
            {
                return false;
            }

            using var document = JsonDocument.Parse(rented.AsMemory(0, length));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type))
            {
                return false;
            }

            if (type.ValueEquals("thinking")
                && root.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.String
                && root.TryGetProperty("signature", out var signature) && signature.ValueKind == JsonValueKind.String)
            {
                block = ThinkingBlock.Thinking(thinking.GetString()!, signature.GetString()!);
                return true;
            }

            if (type.ValueEquals("redacted_thinking")
                && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String)
            {
                block = ThinkingBlock.Redacted(data.GetString()!);
                return true;
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static string Encode(Action<Utf8JsonWriter> writeFields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            writer.WriteStartObject();
            writeFields(writer);
            writer.WriteEndObject();
        }

        return Prefix + Convert.ToBase64String(buffer.WrittenSpan);
    }
}

/// <summary>An Anthropic thinking or redacted_thinking block restored from an envelope.</summary>
internal sealed record ThinkingBlock(bool IsRedacted, string Text, string Signature)
{
    public static ThinkingBlock Thinking(string text, string signature) => new(false, text, signature);

    /// <summary>A redacted block: <see cref="Text"/> holds its opaque <c>data</c>.</summary>
    public static ThinkingBlock Redacted(string data) => new(true, data, "");
}
