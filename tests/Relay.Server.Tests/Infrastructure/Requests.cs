using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>Hand-written Messages request bodies, so tests control every byte that is sent.</summary>
public static class Requests
{
    public const string DefaultModel = "claude-sonnet-4-5";

    // Quotes inside strings as \" (what clients send), not \u0022.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Messages(string model = DefaultModel, bool stream = false, string text = "Hello, Claude", string? userId = null, string? extra = null)
    {
        var metadata = userId is null ? string.Empty : $",\"metadata\":{{\"user_id\":{JsonSerializer.Serialize(userId, Relaxed)}}}";
        var streamField = stream ? ",\"stream\":true" : string.Empty;
        var more = extra is null ? string.Empty : "," + extra;
        return $"{{\"model\":\"{model}\",\"max_tokens\":1024{streamField}{metadata},\"messages\":[{{\"role\":\"user\",\"content\":{JsonSerializer.Serialize(text, Relaxed)}}}]{more}}}";
    }

    /// <summary>Claude Code's newer metadata.user_id: a JSON object serialised into the string.</summary>
    public static string ClaudeCodeUserId(string sessionId, string deviceId = "d") =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["device_id"] = deviceId, ["session_id"] = sessionId }, Relaxed);

    public static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static HttpRequestMessage Post(string path, string body) =>
        new(HttpMethod.Post, path.TrimStart('/')) { Content = Json(body) };
}
