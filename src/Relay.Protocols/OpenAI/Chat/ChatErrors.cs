using System.Buffers;
using System.Text.Json;
using Relay.Protocols.Translation;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>OpenAI's error wire shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class ChatErrors
{
    /// <summary>
    /// OpenAI's error type for an error Relay or an Anthropic upstream reports. Client mistakes keep their class;
    /// everything the caller cannot fix (overload, timeouts, upstream faults) is <c>server_error</c>, which the OpenAI
    /// SDKs treat as retryable. The original type travels in <c>code</c>.
    /// </summary>
    public static string TypeFor(string errorType) => errorType switch
    {
        "invalid_request_error" or "request_too_large" => "invalid_request_error",
        "authentication_error" => "authentication_error",
        "permission_error" => "permission_error",
        "not_found_error" => "not_found_error",
        "rate_limit_error" => "rate_limit_error",
        "billing_error" => "insufficient_quota",
        _ => "server_error",
    };

    /// <summary>A whole error body, e.g. for a 400 from a translation refusal (<c>param</c> names the field).</summary>
    public static byte[] Body(string errorType, string message, string? param = null)
    {
        var buffer = new ArrayBufferWriter<byte>(96 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
        {
            WriteError(writer, errorType, message, param);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The 400 body for a request the translator refused.</summary>
    public static byte[] Body(TranslationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Body("invalid_request_error", error.ToString(), error.Field);
    }

    /// <summary>
    /// <c>data: {"error":{…}}</c> — how OpenAI itself reports a failure inside a stream; the OpenAI SDKs raise it as
    /// an API error. No <c>[DONE]</c> follows, so no client mistakes the cut answer for a complete one.
    /// </summary>
    public static void WriteStreamError(IBufferWriter<byte> output, string errorType, string message)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(output, ChatJson.WriterOptions))
        {
            WriteError(writer, errorType, message, null);
        }

        output.Write("\n\n"u8);
    }

    private static void WriteError(Utf8JsonWriter writer, string errorType, string message, string? param)
    {
        ArgumentNullException.ThrowIfNull(errorType);
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteStartObject();
        writer.WriteStartObject("error"u8);
        writer.WriteString("message"u8, message);
        writer.WriteString("type"u8, TypeFor(errorType));
        if (param is null)
        {
            writer.WriteNull("param"u8);
        }
        else
        {
            writer.WriteString("param"u8, param);
        }

        writer.WriteString("code"u8, errorType);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
