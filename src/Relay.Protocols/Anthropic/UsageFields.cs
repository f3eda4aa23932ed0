using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// The usage fields of an Anthropic message as last reported. Each is null until seen, so a later report
/// (message_delta) overrides only what it contains and a JSON null never erases an earlier count.
/// </summary>
internal struct UsageFields
{
    public long? Input;
    public long? Output;
    public long? CacheCreation;
    public long? CacheRead;
    public long? Ephemeral5m;
    public long? Ephemeral1h;

    /// <summary>Reads a usage object (reader on its StartObject, left on its EndObject) over the fields seen so far.</summary>
    public static void Read(ref Utf8JsonReader reader, ref UsageFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Input);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Output);
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                ReadCount(ref reader, ref fields.CacheCreation);
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                ReadCount(ref reader, ref fields.CacheRead);
            }
            else if (reader.ValueTextEquals("cache_creation"u8))
            {
                reader.Read();
                ReadBreakdown(ref reader, ref fields);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// Cache writes are priced by TTL: the ephemeral breakdown wins when reported; without it every cache write
    /// is a 5-minute write, which is what the API did before 1-hour caching existed.
    /// </summary>
    public readonly TokenUsage ToTokenUsage()
    {
        bool hasBreakdown = Ephemeral5m.HasValue || Ephemeral1h.HasValue;
        return new TokenUsage(
            Input ?? 0,
            Output ?? 0,
            hasBreakdown ? Ephemeral5m ?? 0 : CacheCreation ?? 0,
            hasBreakdown ? Ephemeral1h ?? 0 : 0,
            CacheRead ?? 0);
    }

    private static void ReadBreakdown(ref Utf8JsonReader reader, ref UsageFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ephemeral_5m_input_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Ephemeral5m);
            }
            else if (reader.ValueTextEquals("ephemeral_1h_input_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Ephemeral1h);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadCount(ref Utf8JsonReader reader, ref long? field)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value))
        {
            field = value;
        }
        else
        {
            reader.Skip();
        }
    }
}
