using System.Text.Json;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>
/// Reads the head of a <c>POST /v1/responses</c> body in one forward pass, skipping every value it does not need
/// (the <c>input</c> history of a long Codex session is walked by the tokenizer, never materialised).
/// </summary>
public static class ResponsesRequestReader
{
    internal const string InvalidJson = "Request body is not valid JSON.";
    internal const string NotAnObject = "Request body must be a JSON object.";
    internal const string ModelRequired = "Field 'model' is required and must be a string.";
    internal const string StreamNotBoolean = "Field 'stream' must be a boolean.";

    /// <summary>Reads the head; on failure <paramref name="error"/> is a client-safe message that never quotes the body.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out ResponsesRequestHead head, out string? error)
    {
        try
        {
            return TryReadCore(body, out head, out error);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            head = default;
            error = InvalidJson;
            return false;
        }
    }

    private static bool TryReadCore(ReadOnlySpan<byte> body, out ResponsesRequestHead head, out string? error)
    {
        head = default;
        var reader = new Utf8JsonReader(body, ResponsesJson.ReaderOptions);
        if (!reader.Read())
        {
            error = InvalidJson;
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            reader.Read();
            error = NotAnObject;
            return false;
        }

        string? model = null, cacheKey = null, previous = null;
        int modelStart = -1, modelLength = 0;
        bool stream = false;
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
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                {
                    error = StreamNotBoolean;
                    return false;
                }

                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("prompt_cache_key"u8))
            {
                reader.Read();
                cacheKey = reader.TokenType == JsonTokenType.String ? reader.GetString() : cacheKey;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("previous_response_id"u8))
            {
                reader.Read();
                previous = reader.TokenType == JsonTokenType.String ? reader.GetString() : previous;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Throws on trailing bytes after the object.
        reader.Read();
        if (model is null)
        {
            error = ModelRequired;
            return false;
        }

        head = new ResponsesRequestHead(model, stream, modelStart, modelLength, cacheKey, previous);
        error = null;
        return true;
    }
}
