using System.Text.Json;

namespace Relay.Protocols.Anthropic;

internal enum StreamEventKind
{
    Other,
    MessageStart,
    MessageDelta,
    MessageStop,
    Error,
}

/// <summary>Classifies an Anthropic stream event by its SSE name, without touching the data.</summary>
internal static class StreamEventKinds
{
    public static StreamEventKind Of(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        // Some Anthropic-compatible hosts omit "event:" lines (name defaults to "message"); their data still
        // carries the type, so only for them is the JSON peeked.
        if (eventName.SequenceEqual("message"u8))
        {
            eventName = TypeOf(data);
        }

        return eventName switch
        {
            _ when eventName.SequenceEqual("message_start"u8) => StreamEventKind.MessageStart,
            _ when eventName.SequenceEqual("message_delta"u8) => StreamEventKind.MessageDelta,
            _ when eventName.SequenceEqual("message_stop"u8) => StreamEventKind.MessageStop,
            _ when eventName.SequenceEqual("error"u8) => StreamEventKind.Error,
            _ => StreamEventKind.Other,
        };
    }

    private static ReadOnlySpan<byte> TypeOf(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
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
