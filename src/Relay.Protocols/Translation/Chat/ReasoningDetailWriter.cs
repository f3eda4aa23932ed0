using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

/// <summary>Writes one <c>reasoning_details</c> entry in the shape <see cref="ReasoningDetails"/> describes.</summary>
internal static class ReasoningDetailWriter
{
    public static void WriteText(Utf8JsonWriter writer, int index, string? text, string? signature)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, ReasoningDetails.TextType);
        if (text is not null)
        {
            writer.WriteString("text"u8, text);
        }

        if (signature is not null)
        {
            writer.WriteString("signature"u8, signature);
        }

        writer.WriteString("format"u8, ReasoningDetails.AnthropicFormat);
        writer.WriteNumber("index"u8, index);
        writer.WriteEndObject();
    }

    public static void WriteEncrypted(Utf8JsonWriter writer, int index, string data)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, ReasoningDetails.EncryptedType);
        writer.WriteString("data"u8, data);
        writer.WriteString("format"u8, ReasoningDetails.AnthropicFormat);
        writer.WriteNumber("index"u8, index);
        writer.WriteEndObject();
    }
}
