using System.Text.Json;
using Relay.Core.Accounts;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Server.Control.Accounts;

/// <summary>
/// The answer text of a test call, read from the body of the shape it was sent in: a JSON body, or for Responses the
/// event stream the test asks for (the text of its final response object, gathered as for a non-streamed request).
/// </summary>
internal static class AccountTestReply
{
    public const int MaxLength = 200;

    public static string Read(string shape, ReadOnlySpan<byte> body)
    {
        if (shape == WireShapes.Responses && CompletedResponse(body) is { } completed)
        {
            body = completed;
        }

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

    /// <summary>The final response object of a Responses stream (as a non-streamed call returns it); null when the body is not one.</summary>
    private static byte[]? CompletedResponse(ReadOnlySpan<byte> body)
    {
        // The test's answer is already whole in memory; the bound only has to admit it.
        using var gatherer = new ResponsesStreamGatherer(Math.Max(body.Length, 1));
        gatherer.Feed(body);
        gatherer.Feed("\n\n"u8);
        return gatherer.Response?.ToArray();
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
