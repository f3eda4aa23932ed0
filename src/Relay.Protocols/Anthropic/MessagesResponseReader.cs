using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Anthropic;

/// <summary>Reads usage and model from a non-streamed Messages response, with the same field rules as the stream observer.</summary>
public static class MessagesResponseReader
{
    /// <summary>False when the body is not a JSON object with a <c>usage</c> object (e.g. an error or a count_tokens answer).</summary>
    public static bool TryReadUsage(ReadOnlySpan<byte> body, out TokenUsage usage, out string? model)
    {
        usage = default;
        model = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var fields = default(UsageFields);
            bool sawUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    model = reader.TokenType == JsonTokenType.String ? reader.GetString() : model;
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    sawUsage |= reader.TokenType == JsonTokenType.StartObject;
                    UsageFields.Read(ref reader, ref fields);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            usage = fields.ToTokenUsage();
            return sawUsage;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            usage = default;
            model = null;
            return false;
        }
    }
}
