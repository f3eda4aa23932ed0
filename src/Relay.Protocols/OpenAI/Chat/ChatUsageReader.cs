using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>Reads usage and model from a non-streamed Chat Completions response body.</summary>
public static class ChatUsageReader
{
    /// <summary>False when the body is not a JSON object with a <c>usage</c> object (an error body, say).</summary>
    public static bool TryRead(ReadOnlySpan<byte> responseJson, out TokenUsage usage) => TryRead(responseJson, out usage, out _);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, out TokenUsage)"/>
    public static bool TryRead(ReadOnlySpan<byte> responseJson, out TokenUsage usage, out string? model)
    {
        usage = default;
        model = null;
        try
        {
            var reader = new Utf8JsonReader(responseJson);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var fields = default(ChatUsageFields);
            bool sawUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    sawUsage |= ChatUsageFields.Read(ref reader, ref fields);
                }
                else if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    model = reader.TokenType == JsonTokenType.String ? reader.GetString() : model;
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
