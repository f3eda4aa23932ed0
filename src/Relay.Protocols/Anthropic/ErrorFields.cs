using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>Reads <c>{"type":"error","error":{"type":…,"message":…}}</c>, shared by the stream observer and the error reader.</summary>
internal static class ErrorFields
{
    /// <summary>Reader on the root StartObject. True when an <c>error</c> object was found.</summary>
    public static bool Read(ref Utf8JsonReader reader, out string? type, out string? message)
    {
        type = null;
        message = null;
        bool found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isError = reader.ValueTextEquals("error"u8);
            reader.Read();
            if (isError && reader.TokenType == JsonTokenType.StartObject)
            {
                found = true;
                ReadInner(ref reader, ref type, ref message);
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }

    private static void ReadInner(ref Utf8JsonReader reader, ref string? type, ref string? message)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isType = reader.ValueTextEquals("type"u8);
            bool isMessage = !isType && reader.ValueTextEquals("message"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.String && (isType || isMessage))
            {
                if (isType)
                {
                    type = reader.GetString();
                }
                else
                {
                    message = reader.GetString();
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }
}
