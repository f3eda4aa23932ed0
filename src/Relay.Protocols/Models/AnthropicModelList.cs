using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Relay.Protocols.Models;

/// <summary>
/// Anthropic's Models API: <c>GET /v1/models</c> (<c>{"data":[…],"has_more","first_id","last_id"}</c>, paged with
/// <c>limit</c>, <c>after_id</c>, <c>before_id</c>) and <c>GET /v1/models/{id}</c> (one
/// <c>{"type":"model","id","display_name","created_at"}</c>).
/// </summary>
public static class AnthropicModelList
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// One page of <paramref name="models"/> (sorted by id, ordinal). Cursors compare by id, so a cursor that is no
    /// longer in the list (the configuration changed between pages) still lands where it was:
    /// <c>after_id</c> gives the first <paramref name="limit"/> models after it, <c>before_id</c> the last
    /// <paramref name="limit"/> before it, neither the first <paramref name="limit"/>. <c>HasMore</c> says whether
    /// more models lie beyond the page in the direction of travel, as Anthropic's does.
    /// </summary>
    public static (IReadOnlyList<ModelEntry> Page, bool HasMore) Page(IReadOnlyList<ModelEntry> models, int limit, string? afterId, string? beforeId)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (beforeId is not null)
        {
            var end = 0;
            while (end < models.Count && string.CompareOrdinal(models[end].Id, beforeId) < 0)
            {
                end++;
            }

            var start = Math.Max(0, end - limit);
            return ([.. models.Skip(start).Take(end - start)], start > 0);
        }

        var first = 0;
        if (afterId is not null)
        {
            while (first < models.Count && string.CompareOrdinal(models[first].Id, afterId) <= 0)
            {
                first++;
            }
        }

        var count = Math.Min(limit, models.Count - first);
        return ([.. models.Skip(first).Take(count)], first + count < models.Count);
    }

    public static byte[] List(IReadOnlyList<ModelEntry> page, bool hasMore)
    {
        ArgumentNullException.ThrowIfNull(page);
        var buffer = new ArrayBufferWriter<byte>(64 + (page.Count * 128));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data"u8);
            foreach (var model in page)
            {
                WriteModel(writer, model);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("has_more"u8, hasMore);
            WriteIdOrNull(writer, "first_id"u8, page.Count > 0 ? page[0].Id : null);
            WriteIdOrNull(writer, "last_id"u8, page.Count > 0 ? page[^1].Id : null);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Model(ModelEntry model)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteModel(writer, model);
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Relay knows names, not Anthropic's metadata: the display name is the id, and capabilities and token limits
    // (optional in the SDKs) are left out rather than guessed.
    private static void WriteModel(Utf8JsonWriter writer, ModelEntry model)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "model"u8);
        writer.WriteString("id"u8, model.Id);
        writer.WriteString("display_name"u8, model.Id);
        writer.WriteString("created_at"u8, model.CreatedAtOrEpoch.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    private static void WriteIdOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? id)
    {
        if (id is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, id);
        }
    }
}
