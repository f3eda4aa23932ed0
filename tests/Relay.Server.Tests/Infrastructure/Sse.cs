using System.Text;
using System.Text.Json;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>One parsed server-sent event.</summary>
public sealed record SseEvent(string Event, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();
}

/// <summary>Minimal SSE parsing for assertions (the relay's own parser is not used to check the relay).</summary>
public static class Sse
{
    public static IReadOnlyList<SseEvent> Parse(string text)
    {
        var events = new List<SseEvent>();
        string? name = null;
        var data = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length == 0)
            {
                if (name is not null || data.Length > 0)
                {
                    events.Add(new SseEvent(name ?? "message", data.ToString()));
                }

                name = null;
                data.Clear();
                continue;
            }

            if (raw.StartsWith("event:", StringComparison.Ordinal))
            {
                name = raw["event:".Length..].TrimStart();
            }
            else if (raw.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(raw["data:".Length..].TrimStart());
            }
        }

        return events;
    }

    /// <summary>Concatenated text_delta texts of a stream.</summary>
    public static string Text(IEnumerable<SseEvent> events) => string.Concat(
        events.Where(e => e.Event == "content_block_delta")
            .Select(e => e.Json.GetProperty("delta"))
            .Where(d => d.GetProperty("type").GetString() == "text_delta")
            .Select(d => d.GetProperty("text").GetString()));
}
