using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Relay.Server.Tests.Infrastructure;

public enum OpenAIRouteKind
{
    Unknown,
    Chat,
    Responses,
    Models,
}

/// <summary>How an OpenAI-shaped request addressed the fake: which API, whether Azure's, deployment and api-version.</summary>
public sealed record OpenAIRoute(OpenAIRouteKind Kind, bool Azure, string? Deployment, string? ApiVersion, bool NeedsApiVersion)
{
    public static OpenAIRoute Of(UpstreamRequest request)
    {
        var path = request.Path;
        var apiVersion = QueryValue(request.Query, "api-version");
        var post = HttpMethods.IsPost(request.Method);
        var get = HttpMethods.IsGet(request.Method);

        const string deployments = "/openai/deployments/";
        if (path.StartsWith(deployments, StringComparison.Ordinal))
        {
            var tail = path[deployments.Length..];
            var slash = tail.IndexOf('/', StringComparison.Ordinal);
            var deployment = slash < 0 ? tail : tail[..slash];
            var kind = slash >= 0 && tail[slash..] == "/chat/completions" && post ? OpenAIRouteKind.Chat : OpenAIRouteKind.Unknown;
            return new(kind, true, Uri.UnescapeDataString(deployment), apiVersion, NeedsApiVersion: true);
        }

        if (path.StartsWith("/openai/v1/", StringComparison.Ordinal))
        {
            return new(KindOf(path["/openai/v1".Length..], post, get), true, null, apiVersion, NeedsApiVersion: false);
        }

        if (path.StartsWith("/openai/", StringComparison.Ordinal))
        {
            return new(KindOf(path["/openai".Length..], post, get), true, null, apiVersion, NeedsApiVersion: true);
        }

        return new(KindOf(path.StartsWith("/v1/", StringComparison.Ordinal) ? path["/v1".Length..] : path, post, get), false, null, apiVersion, NeedsApiVersion: false);
    }

    /// <summary>Whether the body asked for <c>stream_options.include_usage: true</c>.</summary>
    public static bool IncludeUsage(UpstreamRequest request) =>
        WithBody(request, root => root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object &&
            options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True);

    /// <summary>Whether the body sends tool results back (a Chat <c>tool</c> message or a Responses <c>function_call_output</c> item).</summary>
    public static bool HasToolResults(UpstreamRequest request) =>
        WithBody(request, root =>
            (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array &&
                messages.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role", out var r) && r.ValueEquals("tool"))) ||
            (root.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Array &&
                input.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty("type", out var t) && t.ValueEquals("function_call_output"))));

    private static OpenAIRouteKind KindOf(string path, bool post, bool get) => path switch
    {
        "/chat/completions" when post => OpenAIRouteKind.Chat,
        "/responses" when post => OpenAIRouteKind.Responses,
        "/models" when get => OpenAIRouteKind.Models,
        _ => OpenAIRouteKind.Unknown,
    };

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (key == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    private static bool WithBody(UpstreamRequest request, Func<JsonElement, bool> test)
    {
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            return json.RootElement.ValueKind == JsonValueKind.Object && test(json.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
