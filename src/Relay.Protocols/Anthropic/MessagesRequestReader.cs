using System.Buffers;
using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// Reads the head of a <c>POST /v1/messages</c> (or <c>/count_tokens</c>) body in one forward pass, skipping every
/// value it does not need, so a 500 KB conversation costs one tokenizer walk and a handful of small strings.
/// </summary>
public static class MessagesRequestReader
{
    internal const string InvalidJson = "Request body is not valid JSON.";
    internal const string NotAnObject = "Request body must be a JSON object.";
    internal const string ModelRequired = "Field 'model' is required and must be a string.";
    internal const string StreamNotBoolean = "Field 'stream' must be a boolean.";

    // Tool schemas can nest deeper than the reader's default of 64; the limit only guards the stack.
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    /// <summary>Reads the head; on failure <paramref name="error"/> is a client-safe message that never quotes the body.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out MessagesRequestHead head, out string? error)
    {
        try
        {
            return TryReadCore(body, out head, out error);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // JsonException: malformed JSON. InvalidOperationException: a string that is not valid UTF-8.
            head = default;
            error = InvalidJson;
            return false;
        }
    }

    private static bool TryReadCore(ReadOnlySpan<byte> body, out MessagesRequestHead head, out string? error)
    {
        head = default;
        var reader = new Utf8JsonReader(body, Options);
        if (!reader.Read())
        {
            error = InvalidJson;
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Validate the rest first so that "not JSON at all" wins over "not an object".
            reader.Skip();
            reader.Read();
            error = NotAnObject;
            return false;
        }

        string? model = null;
        int modelStart = -1, modelLength = 0;
        bool stream = false;
        string? userSession = null;
        int systemStart = -1, systemLength = 0;
        int messageStart = -1, messageLength = 0;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    error = ModelRequired;
                    return false;
                }

                modelStart = (int)reader.TokenStartIndex;
                modelLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                model = reader.GetString();
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    error = StreamNotBoolean;
                    return false;
                }

                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                userSession = ReadMetadataSession(ref reader) ?? userSession;
            }
            else if (reader.ValueTextEquals("system"u8))
            {
                reader.Read();
                (systemStart, systemLength) = RawValue(ref reader);
            }
            else if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                (messageStart, messageLength) = FirstUserMessage(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Throws on trailing bytes after the object: a body with two values is not valid JSON.
        reader.Read();

        if (model is null)
        {
            error = ModelRequired;
            return false;
        }

        string? sessionKey = userSession ?? SessionKeys.FromContent(
            systemStart < 0 ? default : body.Slice(systemStart, systemLength),
            messageStart < 0 ? default : body.Slice(messageStart, messageLength));

        head = new MessagesRequestHead(model, stream, modelStart, modelLength, sessionKey);
        error = null;
        return true;
    }

    /// <summary>The value's raw bytes as (start, length); null counts as absent.</summary>
    private static (int Start, int Length) RawValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return (-1, 0);
        }

        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (start, (int)(reader.BytesConsumed - start));
    }

    /// <summary>Raw bytes of messages[0] when its role is "user"; the rest of the array is skipped.</summary>
    private static (int Start, int Length) FirstUserMessage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return (-1, 0);
        }

        (int Start, int Length) result = (-1, 0);
        reader.Read();
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            return result;
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            int start = (int)reader.TokenStartIndex;
            bool isUser = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isRole = reader.ValueTextEquals("role"u8);
                reader.Read();
                if (isRole && reader.TokenType == JsonTokenType.String)
                {
                    isUser = reader.ValueTextEquals("user"u8);
                }
                else
                {
                    reader.Skip();
                }
            }

            if (isUser)
            {
                result = (start, (int)(reader.BytesConsumed - start));
            }
        }
        else
        {
            reader.Skip();
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }

        return result;
    }

    private static string? ReadMetadataSession(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? session = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isUserId = reader.ValueTextEquals("user_id"u8);
            reader.Read();
            if (isUserId && reader.TokenType == JsonTokenType.String)
            {
                session = UserIdSession(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return session;
    }

    private static string? UserIdSession(ref Utf8JsonReader reader)
    {
        // Unescaped text is never longer than its escaped form.
        int max = reader.ValueSpan.Length;
        byte[]? rented = null;
        Span<byte> buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int written = reader.CopyString(buffer);
            return SessionKeys.FromUserId(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
