namespace Relay.Server.Inference.Shapes;

/// <summary>The conversation id OpenAI-style clients send in a header, for sticky scheduling.</summary>
internal static class OpenAISessions
{
    private static readonly string[] Headers = ["session-id", "session_id", "x-session-id"];

    public static string? FromHeaders(HttpRequest request)
    {
        foreach (var name in Headers)
        {
            var value = request.Headers[name];
            if (value.Count > 0 && !string.IsNullOrEmpty(value[0]))
            {
                return "s:" + value[0];
            }
        }

        return null;
    }
}
