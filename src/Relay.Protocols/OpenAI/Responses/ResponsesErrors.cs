using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Translation;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>OpenAI's error body shape, <c>{"error":{"message","type","param","code"}}</c>, for refusals Relay answers to a Responses client.</summary>
public static class ResponsesErrors
{
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>A 400 body for a request Relay will not translate; <c>param</c> names the field, as OpenAI's own 400s do.</summary>
    public static byte[] Body(TranslationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Body(InvalidRequest, error.ToString(), error.Field, code: null);
    }

    /// <summary>Any OpenAI-shaped error body.</summary>
    public static byte[] Body(string type, string message, string? param, string? code)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(96 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteString("type"u8, type);
            WriteStringOrNull(writer, "param"u8, param);
            WriteStringOrNull(writer, "code"u8, code);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
