using System.Text.Json;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>Reads usage and model from a non-streamed Responses API answer (a <c>response</c> object).</summary>
public static class ResponsesUsageReader
{
    /// <summary>
    /// False when the body is not a JSON object with a <c>usage</c> object (an error body, a truncated answer).
    /// <paramref name="usage"/> is in Relay's token classes: uncached input, output, cache reads.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> responseJson, out TokenUsage usage) => TryRead(responseJson, out usage, out _);

    /// <inheritdoc cref="TryRead(ReadOnlySpan{byte}, out TokenUsage)"/>
    /// <param name="responseJson">The body.</param>
    /// <param name="usage">The usage.</param>
    /// <param name="model">The <c>model</c> the upstream reported, or null.</param>
    public static bool TryRead(ReadOnlySpan<byte> responseJson, out TokenUsage usage, out string? model)
    {
        usage = default;
        model = null;
        try
        {
            var reader = new Utf8JsonReader(responseJson, ResponsesJson.ReaderOptions);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject
                && ReadResponseObject(ref reader, out usage, out model);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            usage = default;
            model = null;
            return false;
        }
    }

    /// <summary>Reader on a response object's StartObject, left on its EndObject.</summary>
    internal static bool ReadResponseObject(ref Utf8JsonReader reader, out TokenUsage usage, out string? model)
    {
        usage = default;
        model = null;
        bool sawUsage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                model = reader.TokenType == JsonTokenType.String ? reader.GetString() : model;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                sawUsage |= ResponsesUsageFields.Read(ref reader, out var read);
                usage = sawUsage ? read : usage;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return sawUsage;
    }
}
