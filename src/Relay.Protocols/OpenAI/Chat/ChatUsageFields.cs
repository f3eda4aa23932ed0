using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>
/// The usage object of a Chat Completions answer. OpenAI counts cached prompt tokens inside
/// <c>prompt_tokens</c> and reports them again in <c>prompt_tokens_details.cached_tokens</c>; Relay's classes are
/// disjoint, so uncached input is the difference.
/// </summary>
internal struct ChatUsageFields
{
    public long? Prompt;
    public long? Completion;
    public long? Cached;
    public long? Reasoning;

    /// <summary>Reads a usage object (reader on its StartObject, left on its EndObject); anything else is skipped.</summary>
    public static bool Read(ref Utf8JsonReader reader, ref ChatUsageFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Prompt);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                ReadCount(ref reader, ref fields.Completion);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                ReadDetail(ref reader, "cached_tokens"u8, ref fields.Cached);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reader.Read();
                ReadDetail(ref reader, "reasoning_tokens"u8, ref fields.Reasoning);
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8) && fields.Cached is null)
            {
                // DeepSeek's spelling of cached prompt tokens; the OpenAI field wins when both are present.
                ReadCount(ref reader, ref fields.Cached);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return true;
    }

    public readonly TokenUsage ToTokenUsage()
    {
        long prompt = Prompt ?? 0;
        long cached = Math.Min(Cached ?? 0, prompt);
        return new TokenUsage(prompt - cached, Completion ?? 0, 0, 0, cached);
    }

    private static void ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref long? field)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                ReadCount(ref reader, ref field);
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
