using System.Text.Json;

namespace Relay.Protocols.OpenAI.Responses;

internal enum ResponsesEventKind
{
    Other,
    Created,
    Completed,
    Incomplete,
    Failed,
    Error,
}

/// <summary>Classifies a Responses stream event by its SSE name; the JSON <c>type</c> is peeked only when the name is missing.</summary>
internal static class ResponsesEventKinds
{
    public static ResponsesEventKind Of(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        // OpenAI sends "event:" lines, but some compatible hosts send data only (name defaults to "message").
        if (eventName.SequenceEqual("message"u8))
        {
            eventName = TypeOf(data);
        }

        return eventName switch
        {
            _ when eventName.SequenceEqual("response.created"u8) => ResponsesEventKind.Created,
            _ when eventName.SequenceEqual("response.completed"u8) => ResponsesEventKind.Completed,
            _ when eventName.SequenceEqual("response.incomplete"u8) => ResponsesEventKind.Incomplete,
            _ when eventName.SequenceEqual("response.failed"u8) => ResponsesEventKind.Failed,
            _ when eventName.SequenceEqual("error"u8) => ResponsesEventKind.Error,
            _ => ResponsesEventKind.Other,
        };
    }

    /// <summary>The JSON <c>type</c> of an event's data (unescaped only), or empty.</summary>
    internal static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    return reader.ValueSpan;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Unreadable data is just "some other event".
        }

        return default;
    }
}
