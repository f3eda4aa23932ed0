using System.Text.Json;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// The fields of one Anthropic stream event that the Responses stream translator uses, read in one pass with
/// <see cref="Utf8JsonReader"/>. Usage is read over the caller's running <see cref="UsageFields"/> so a later
/// message_delta overrides only what it reports.
/// </summary>
internal struct AnthropicStreamEvent
{
    public string? Type;
    public int Index;
    public string? BlockType;
    public string? BlockId;
    public string? BlockName;
    public string? BlockData;
    public string? DeltaType;
    public string? DeltaText;
    public string? StopReason;
    public string? Model;
    public string? ErrorType;
    public string? ErrorMessage;

    public static AnthropicStreamEvent Parse(ReadOnlySpan<byte> data, ref UsageFields usage)
    {
        var result = default(AnthropicStreamEvent);
        var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return result;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                result.Type = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                result.Index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int index) ? index : -1;
            }
            else if (reader.ValueTextEquals("content_block"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref result, ref usage, nested: Nested.Block);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref result, ref usage, nested: Nested.Delta);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref result, ref usage, nested: Nested.Message);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadObject(ref reader, ref result, ref usage, nested: Nested.Error);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                UsageFields.Read(ref reader, ref usage);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return result;
    }

    private enum Nested
    {
        Block,
        Delta,
        Message,
        Error,
    }

    private static void ReadObject(ref Utf8JsonReader reader, ref AnthropicStreamEvent result, ref UsageFields usage, Nested nested)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            switch (nested)
            {
                case Nested.Block when reader.ValueTextEquals("type"u8):
                    result.BlockType = ReadString(ref reader);
                    break;
                case Nested.Block when reader.ValueTextEquals("id"u8):
                    result.BlockId = ReadString(ref reader);
                    break;
                case Nested.Block when reader.ValueTextEquals("name"u8):
                    result.BlockName = ReadString(ref reader);
                    break;
                case Nested.Block when reader.ValueTextEquals("data"u8):
                    result.BlockData = ReadString(ref reader);
                    break;
                case Nested.Delta when reader.ValueTextEquals("type"u8):
                    result.DeltaType = ReadString(ref reader);
                    break;
                case Nested.Delta when reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("thinking"u8)
                    || reader.ValueTextEquals("partial_json"u8) || reader.ValueTextEquals("signature"u8):
                    result.DeltaText = ReadString(ref reader);
                    break;
                case Nested.Delta when reader.ValueTextEquals("stop_reason"u8):
                    result.StopReason = ReadString(ref reader);
                    break;
                case Nested.Message when reader.ValueTextEquals("model"u8):
                    result.Model = ReadString(ref reader);
                    break;
                case Nested.Message when reader.ValueTextEquals("usage"u8):
                    reader.Read();
                    UsageFields.Read(ref reader, ref usage);
                    break;
                case Nested.Error when reader.ValueTextEquals("type"u8):
                    result.ErrorType = ReadString(ref reader);
                    break;
                case Nested.Error when reader.ValueTextEquals("message"u8):
                    result.ErrorMessage = ReadString(ref reader);
                    break;
                default:
                    reader.Read();
                    reader.Skip();
                    break;
            }
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }
}
