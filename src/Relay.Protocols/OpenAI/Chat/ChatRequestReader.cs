using System.Text.Json;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>
/// Reads the head of a <c>POST /v1/chat/completions</c> body in one forward pass. The model token's byte range
/// lets <see cref="Anthropic.ModelRewriter"/> (which only needs a range) splice a mapped model into a Chat body too.
/// </summary>
public static class ChatRequestReader
{
    internal const string InvalidJson = "Request body is not valid JSON.";
    internal const string NotAnObject = "Request body must be a JSON object.";
    internal const string ModelRequired = "Field 'model' is required and must be a string.";
    internal const string StreamNotBoolean = "Field 'stream' must be a boolean.";

    /// <summary>Reads the head; on failure <paramref name="error"/> is a client-safe message that never quotes the body.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out ChatRequestHead head, out string? error)
    {
        head = default;
        try
        {
            var reader = new Utf8JsonReader(body, ChatJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = reader.TokenType == JsonTokenType.None ? InvalidJson : NotAnObject;
                return false;
            }

            string? model = null;
            int start = -1, length = 0;
            bool stream = false, includeUsage = false;
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

                    start = (int)reader.TokenStartIndex;
                    length = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                    model = reader.GetString();
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    {
                        error = StreamNotBoolean;
                        return false;
                    }

                    stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    includeUsage = ReadIncludeUsage(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (model is null)
            {
                error = ModelRequired;
                return false;
            }

            head = new ChatRequestHead(model, start, length, stream, includeUsage);
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            error = InvalidJson;
            return false;
        }
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        bool includeUsage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                includeUsage = reader.TokenType == JsonTokenType.True;
            }

            reader.Skip();
        }

        return includeUsage;
    }
}
