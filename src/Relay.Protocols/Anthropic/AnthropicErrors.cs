using System.Buffers;
using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>Anthropic's error wire shape, for errors the relay produces and errors it reads from upstream.</summary>
public static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Billing = "billing_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string Timeout = "timeout_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    /// <summary>The error type Anthropic uses for an HTTP status; 503 maps to overloaded so clients back off and retry.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 => InvalidRequest,
        401 => Authentication,
        402 => Billing,
        403 => Permission,
        404 => NotFound,
        408 or 504 => Timeout,
        413 => RequestTooLarge,
        429 => RateLimit,
        503 or 529 => Overloaded,
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary><c>{"type":"error","error":{"type":…,"message":…}}</c>, escaped by Utf8JsonWriter.</summary>
    public static byte[] Body(string errorType, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + errorType.Length + message.Length);
        WriteBody(buffer, errorType, message);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Body(int status, string message) => Body(TypeForStatus(status), message);

    /// <summary>The same error as an SSE event, for failures after a stream has started.</summary>
    public static byte[] StreamErrorEvent(string errorType, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(96 + errorType.Length + message.Length);
        buffer.Write("event: error\ndata: "u8);
        WriteBody(buffer, errorType, message);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an upstream error body; false when it is not JSON with an <c>error</c> object.</summary>
    public static bool TryReadError(ReadOnlySpan<byte> body, out string? type, out string? message)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                return ErrorFields.Read(ref reader, out type, out message);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // An HTML error page from a proxy, a truncated body: not an Anthropic error.
        }

        type = null;
        message = null;
        return false;
    }

    // Messages name models and limits in quotes; the default encoder would turn ' into \u0027 for HTML safety,
    // which these JSON bodies (never embedded in a page) do not need and people reading them do not want.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteBody(IBufferWriter<byte> destination, string errorType, string message)
    {
        ArgumentNullException.ThrowIfNull(errorType);
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new Utf8JsonWriter(destination, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, errorType);
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }
}
