using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>
/// Reads a Responses <c>usage</c> object. OpenAI's <c>input_tokens</c> includes the cached tokens
/// (<c>input_tokens_details.cached_tokens</c>), while Relay's <see cref="TokenUsage.Input"/> counts uncached input
/// only, so the cached part is moved to <see cref="TokenUsage.CacheRead"/>. OpenAI has no priced cache writes.
/// Reasoning tokens are already part of <c>output_tokens</c> and are not counted twice.
/// </summary>
internal static class ResponsesUsageFields
{
    /// <summary>Reader on the usage value (left on its last token). False when it is not an object.</summary>
    public static bool Read(ref Utf8JsonReader reader, out TokenUsage usage)
    {
        usage = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        long input = 0, output = 0, cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                input = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                output = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                cached = ReadCached(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        cached = Math.Clamp(cached, 0, input);
        usage = new TokenUsage(input - cached, output, CacheWrite5m: 0, CacheWrite1h: 0, CacheRead: cached);
        return true;
    }

    private static long ReadCached(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }

        long cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = ReadCount(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return cached;
    }

    private static long ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value >= 0)
        {
            return value;
        }

        reader.Skip();
        return 0;
    }
}
