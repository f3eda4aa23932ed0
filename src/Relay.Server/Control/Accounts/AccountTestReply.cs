using System.Text.Json;
using Relay.Core.Accounts;

namespace Relay.Server.Control.Accounts;

/// <summary>The answer text of a test call, read from a non-streamed body of the shape it was sent in.</summary>
internal static class AccountTestReply
{
    public const int MaxLength = 200;

    public static string Read(string shape, ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var text = shape switch
            {
                WireShapes.Chat => ChatText(document.RootElement),
                WireShapes.Responses => ResponsesText(document.RootElement),
                _ => MessagesText(document.RootElement),
            };
            return text.Length <= MaxLength ? text : text[..MaxLength];
        }
        catch (JsonException)
        {
            return "";
        }
    }

    // {"content":[{"type":"text","text":"ok"}]}
    private static string MessagesText(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("content", out var content) ? Texts(content, "text") : "";

    // {"choices":[{"message":{"content":"ok"}}]}
    private static string ChatText(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
            && choices.GetArrayLength() > 0 && choices[0].TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString() ?? ""
            : "";

    // {"output":[{"type":"message","content":[{"type":"output_text","text":"ok"}]}]}
    private static string ResponsesText(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = "";
        foreach (var item in output.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("content", out var content))
            {
                text += Texts(content, "output_text");
            }
        }

        return text;
    }

    private static string Texts(JsonElement blocks, string type)
    {
        if (blocks.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var text = "";
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) && t.ValueEquals(type)
                && block.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                text += value.GetString();
            }
        }

        return text;
    }
}
