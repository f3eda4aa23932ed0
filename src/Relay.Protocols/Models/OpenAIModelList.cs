using System.Buffers;
using System.Text.Json;

namespace Relay.Protocols.Models;

/// <summary>
/// OpenAI's Models API: <c>GET /v1/models</c> (<c>{"object":"list","data":[…]}</c>, unpaged) and
/// <c>GET /v1/models/{model}</c> (one <c>{"id","object":"model","created","owned_by"}</c>).
/// </summary>
public static class OpenAIModelList
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] List(IReadOnlyList<ModelEntry> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var buffer = new ArrayBufferWriter<byte>(64 + (models.Count * 96));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var model in models)
            {
                WriteModel(writer, model);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Model(ModelEntry model)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteModel(writer, model);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteModel(Utf8JsonWriter writer, ModelEntry model)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, model.Id);
        writer.WriteString("object"u8, "model"u8);
        writer.WriteNumber("created"u8, model.CreatedAtOrEpoch.ToUnixTimeSeconds());
        writer.WriteString("owned_by"u8, model.OwnedBy);
        writer.WriteEndObject();
    }
}
