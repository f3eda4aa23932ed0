using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>The fake as ChatGPT's Codex backend, which a ChatGPT sign-in's accounts talk to.</summary>
public sealed partial class FakeOpenAIUpstream
{
    /// <summary>Where the ChatGPT Codex backend lives under a host (<c>https://chatgpt.com/backend-api/codex</c>); append it to <see cref="BaseUrl"/>.</summary>
    public const string CodexBackendPath = "/backend-api/codex";

    /// <summary>The Codex backend's answer to a missing, stale or foreign token (research §2.7).</summary>
    public const string CodexUnauthorizedJson = """{"detail":"Unauthorized"}""";

    /// <summary>Top-level fields the Codex backend refuses with 400 <c>Unsupported parameter: {name}</c> (research §2.6).</summary>
    public static readonly string[] CodexUnsupportedFields =
        ["max_output_tokens", "temperature", "top_p", "truncation", "prompt_cache_retention", "safety_identifier"];

    /// <summary>
    /// Makes <paramref name="prefix"/> play the ChatGPT Codex backend (<c>{BaseUrl(prefix)}/backend-api/codex</c>):
    /// <c>POST …/responses</c> only, with a body the real backend takes (<see cref="CodexBodyRefusal"/>: streamed,
    /// unstored, instructions, an input list, no unsupported field; 400 <c>{"detail":…}</c> otherwise), and only
    /// with <c>Authorization: Bearer</c> of a token <paramref name="isValid"/> approves AND <c>chatgpt-account-id</c> equal to
    /// <paramref name="accountId"/>'s current value — 401 <see cref="CodexUnauthorizedJson"/> otherwise. The answer is
    /// <paramref name="scenario"/>'s Responses stream (<c>ok</c> unless told) in the backend's own form
    /// (<see cref="WithEmptyFinalOutput"/>), with <c>x-codex-primary-*</c> (5 h at 21 %) and <c>x-codex-secondary-*</c> (7 d at 43 %).
    /// </summary>
    public void PlayCodexBackend(string prefix, Func<string?, bool> isValid, Func<string?> accountId, string scenario = Scenarios.Ok) => Script(prefix, async (context, request) =>
    {
        if (!request.Path.StartsWith(CodexBackendPath + "/", StringComparison.Ordinal))
        {
            await WriteJsonAsync(context, 404, """{"detail":"Not Found"}""").ConfigureAwait(false);
            return;
        }

        var sentAccount = request.Header("chatgpt-account-id");
        if (!isValid(BearerToken(request)) || sentAccount is null || sentAccount != accountId())
        {
            await WriteJsonAsync(context, 401, CodexUnauthorizedJson).ConfigureAwait(false);
            return;
        }

        if (request.Path != CodexBackendPath + "/responses" || !HttpMethods.IsPost(request.Method))
        {
            await WriteJsonAsync(context, 404, """{"detail":"Not Found"}""").ConfigureAwait(false);
            return;
        }

        if (CodexBodyRefusal(request.Body) is { } refusal)
        {
            await WriteJsonAsync(context, 400, JsonSerializer.Serialize(new { detail = refusal })).ConfigureAwait(false);
            return;
        }

        var headers = context.Response.Headers;
        var now = DateTimeOffset.UtcNow;
        headers["x-codex-primary-used-percent"] = "21";
        headers["x-codex-primary-window-minutes"] = "300";
        headers["x-codex-primary-reset-at"] = now.AddHours(3).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["x-codex-secondary-used-percent"] = "43";
        headers["x-codex-secondary-window-minutes"] = "10080";
        headers["x-codex-secondary-reset-at"] = now.AddDays(4).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await PlayAsync(context, request, new OpenAIRoute(OpenAIRouteKind.Responses, false, null, null, false), scenario, WithEmptyFinalOutput).ConfigureAwait(false);
    });

    /// <summary>
    /// The stream as the Codex backend sends it: its <c>response.completed</c> carries <c>"output": []</c> (it keeps no
    /// response to echo); the items arrive only in <c>response.output_item.done</c> events.
    /// </summary>
    public static string WithEmptyFinalOutput(string stream) => string.Join('\n', stream.Split('\n').Select(line =>
    {
        const string completed = "data: {\"type\":\"response.completed\"";
        if (!line.StartsWith(completed, StringComparison.Ordinal))
        {
            return line;
        }

        var data = JsonNode.Parse(line["data: ".Length..])!;
        data["response"]!["output"] = new JsonArray();
        return "data: " + data.ToJsonString(RelaxedJson);
    }));

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The Codex backend's refusal of a body, as its 400 <c>detail</c> says it (research §2.6), or null when it takes
    /// the body: <c>stream</c> must be true, <c>store</c> false, <c>instructions</c> a string, <c>input</c> a list, and
    /// none of <see cref="CodexUnsupportedFields"/> may be there.
    /// </summary>
    public static string? CodexBodyRefusal(byte[] body)
    {
        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(body);
            root = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "Invalid JSON body";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Invalid JSON body";
        }

        if (!root.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            return "Stream must be set to true";
        }

        if (!root.TryGetProperty("store", out var store) || store.ValueKind != JsonValueKind.False)
        {
            return "Store must be set to false";
        }

        if (!root.TryGetProperty("instructions", out var instructions) || instructions.ValueKind != JsonValueKind.String)
        {
            return "Instructions are required";
        }

        if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.Array)
        {
            return "Input must be a list";
        }

        foreach (var field in CodexUnsupportedFields)
        {
            if (root.TryGetProperty(field, out _))
            {
                return "Unsupported parameter: " + field;
            }
        }

        return null;
    }
}
