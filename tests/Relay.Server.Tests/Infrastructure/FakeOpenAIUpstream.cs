using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback that answers like the OpenAI API (Chat Completions, Responses, models) and like
/// Azure OpenAI. Used exactly like <see cref="FakeAnthropicUpstream"/>: an account's base URL carries a path prefix
/// (<see cref="BaseUrl"/>, e.g. <c>http://127.0.0.1:PORT/s/429-b</c>) whose leading scenario name
/// (<see cref="Scenarios"/>) picks the behaviour; every request is recorded per prefix as an <see cref="UpstreamRequest"/>
/// (path and query, headers, raw body, the exact bytes answered, aborted/finished), and <see cref="Script"/> replaces a
/// prefix's scenario. Routes after the prefix:
/// <list type="bullet">
/// <item><c>POST /v1/chat/completions</c> and <c>/chat/completions</c> (a base URL that already ends in /v1)</item>
/// <item><c>POST /v1/responses</c> and <c>/responses</c></item>
/// <item><c>GET /v1/models</c> and <c>/models</c></item>
/// <item>Azure: <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c> and
/// <c>POST /openai/responses?api-version=…</c> (a missing api-version is refused with Azure's 400), and the v1 surface
/// <c>/openai/v1/chat/completions</c>, <c>/openai/v1/responses</c>, <c>/openai/v1/models</c> (no api-version needed).</item>
/// </list>
/// OpenAI routes need <c>Authorization: Bearer …</c>; Azure routes take <c>api-key</c> or a bearer token. A request
/// without either gets the real services' 401 (so a relay that forgets the upstream key notices).
/// </summary>
public sealed partial class FakeOpenAIUpstream : IAsyncDisposable
{
    /// <summary>Scenario names a prefix can start with (the prefix is the name, or the name + "-" + anything).</summary>
    public static class Scenarios
    {
        public const string Ok = "ok";
        public const string Tools = "tools";
        public const string Reasoning = "reasoning";
        public const string Cache = "cache";
        public const string RateLimited = "429";
        public const string ServerError = "500";
        public const string Unavailable = "503";
        public const string AuthError = "401";
        public const string BadRequest = "400";
        public const string ErrorMid = "error-mid";
        public const string Cut = "cut";
        public const string Trickle = "trickle";
        public const string Silent = "silent";
        public const string Stall = "stall";

        internal static readonly string[] All =
            [.. new[] { Ok, Tools, Reasoning, Cache, RateLimited, ServerError, Unavailable, AuthError, BadRequest, ErrorMid, Cut, Trickle, Silent, Stall }
                .OrderByDescending(s => s.Length)];
    }

    public const string RetryAfterSeconds = "30";

    private readonly WebApplication _app;
    private readonly UpstreamRequestLog _log = new();

    private FakeOpenAIUpstream(WebApplication app)
    {
        _app = app;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Delay before each event of the <c>trickle</c> scenario.</summary>
    public TimeSpan TrickleDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long <c>silent</c> and <c>stall</c> keep quiet (they end early when the caller goes away).</summary>
    public TimeSpan SilenceFor { get; set; } = TimeSpan.FromSeconds(30);

    public static async Task<FakeOpenAIUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        var fake = new FakeOpenAIUpstream(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        fake.Address = app.Urls.First().TrimEnd('/');
        return fake;
    }

    /// <summary>The base URL for an account whose requests play <paramref name="prefix"/>'s scenario (append <c>/v1</c> for SDKs that expect it).</summary>
    public string BaseUrl(string prefix) => $"{Address}/s/{prefix}";

    /// <summary>A base URL on a loopback port nothing listens on: connecting is refused.</summary>
    public static string ClosedPortUrl() => FakeAnthropicUpstream.ClosedPortUrl();

    /// <summary>Replaces the scenario of one prefix with a custom handler (the request is still recorded).</summary>
    public void Script(string prefix, Func<HttpContext, UpstreamRequest, Task> handler) => _log.Script(prefix, handler);

    public IReadOnlyList<UpstreamRequest> Requests(string prefix) => _log.Requests(prefix);

    public int Count(string prefix) => _log.Count(prefix);

    /// <summary>All requests received, in arrival order.</summary>
    public IReadOnlyList<UpstreamRequest> AllRequests => _log.All;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Scenario name of a prefix, or null when it names none.</summary>
    public static string? ScenarioOf(string prefix) =>
        Scenarios.All.FirstOrDefault(s => prefix == s || prefix.StartsWith(s + "-", StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext context)
    {
        if (await _log.RecordAsync(context).ConfigureAwait(false) is not { } request)
        {
            var path = context.Request.Path.Value ?? string.Empty;
            await WriteJsonAsync(context, 404, OpenAITranscripts.NotFoundJson.Replace("{{path}}", path, StringComparison.Ordinal)).ConfigureAwait(false);
            return;
        }

        var prefix = request.Prefix;
        using var registration = context.RequestAborted.Register(request.MarkAborted);

        var recorder = new FakeAnthropicUpstream.RecordingStream(context.Response.Body, request);
        context.Response.Body = recorder;
        var requestId = "req_fake" + request.Sequence.ToString("x24", CultureInfo.InvariantCulture);
        var route = OpenAIRoute.Of(request);
        if (route.Azure)
        {
            context.Response.Headers["apim-request-id"] = Guid.NewGuid().ToString();
            context.Response.Headers["x-ms-region"] = "Sweden Central";
        }

        context.Response.Headers["x-request-id"] = requestId;
        context.Response.Headers["openai-version"] = "2020-10-01";
        context.Response.Headers["openai-processing-ms"] = "182";

        try
        {
            if (_log.ScriptFor(prefix) is { } script)
            {
                await script(context, request).ConfigureAwait(false);
            }
            else
            {
                await PlayAsync(context, request, route, ScenarioOf(prefix) ?? Scenarios.Ok).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The relay went away (its timeout or its client's disconnect); that is what some tests wait for.
        }
        catch (IOException)
        {
        }
        finally
        {
            request.MarkFinished();
        }
    }

    /// <param name="reshape">Changes the rendered stream before it is written (the Codex backend's own form of it).</param>
    private async Task PlayAsync(HttpContext context, UpstreamRequest request, OpenAIRoute route, string scenario, Func<string, string>? reshape = null)
    {
        var model = request.Model ?? route.Deployment ?? "gpt-unknown";
        if (route.Kind == OpenAIRouteKind.Unknown)
        {
            await WriteJsonAsync(context, 404, route.Azure
                ? OpenAITranscripts.AzureNotFoundJson
                : OpenAITranscripts.NotFoundJson.Replace("{{path}}", request.Path, StringComparison.Ordinal)).ConfigureAwait(false);
            return;
        }

        // Azure checks the api-version before anything else, the key included.
        if (route.NeedsApiVersion && string.IsNullOrEmpty(route.ApiVersion))
        {
            context.Response.Headers["x-ms-error-code"] = "MissingApiVersionParameter";
            await WriteJsonAsync(context, 400, OpenAITranscripts.AzureMissingApiVersionJson).ConfigureAwait(false);
            return;
        }

        var key = route.Azure ? request.Header("api-key") ?? BearerToken(request) : BearerToken(request);
        if (string.IsNullOrEmpty(key))
        {
            await WriteJsonAsync(context, 401, route.Azure ? OpenAITranscripts.AzureAccessDeniedJson : OpenAITranscripts.MissingApiKeyJson).ConfigureAwait(false);
            return;
        }

        switch (scenario)
        {
            case Scenarios.RateLimited:
                context.Response.Headers["retry-after"] = RetryAfterSeconds;
                context.Response.Headers["retry-after-ms"] = RetryAfterSeconds + "000";
                SetRateLimitHeaders(context, remainingRequests: 0);
                await WriteJsonAsync(context, 429, route.Azure ? OpenAITranscripts.AzureRateLimitJson : OpenAITranscripts.Render(OpenAITranscripts.RateLimitJson, model)).ConfigureAwait(false);
                return;
            case Scenarios.ServerError:
                await WriteJsonAsync(context, 500, OpenAITranscripts.ServerErrorJson).ConfigureAwait(false);
                return;
            case Scenarios.Unavailable:
                await WriteJsonAsync(context, 503, OpenAITranscripts.OverloadedJson).ConfigureAwait(false);
                return;
            case Scenarios.AuthError:
                await WriteJsonAsync(context, 401, route.Azure
                    ? OpenAITranscripts.AzureAccessDeniedJson
                    : OpenAITranscripts.InvalidApiKeyJson.Replace("{{masked_key}}", OpenAITranscripts.MaskKey(key), StringComparison.Ordinal)).ConfigureAwait(false);
                return;
            case Scenarios.BadRequest:
                await WriteJsonAsync(context, 400, OpenAITranscripts.ContextLengthJson).ConfigureAwait(false);
                return;
        }

        SetRateLimitHeaders(context, remainingRequests: 499);
        if (route.Kind == OpenAIRouteKind.Models)
        {
            await WriteJsonAsync(context, 200, OpenAITranscripts.ModelsJson).ConfigureAwait(false);
            return;
        }

        var answer = route.Kind == OpenAIRouteKind.Chat ? ChatAnswer(request, scenario) : ResponsesAnswer(request, scenario);
        switch (scenario)
        {
            case Scenarios.ErrorMid or Scenarios.Cut or Scenarios.Stall when !request.Stream:
                // Not streamed, nothing can arrive half-way: error-mid answers the error as a status, cut drops the
                // connection before any byte, stall never answers.
                if (scenario == Scenarios.ErrorMid)
                {
                    await WriteJsonAsync(context, 500, OpenAITranscripts.ServerErrorJson).ConfigureAwait(false);
                }
                else if (scenario == Scenarios.Cut)
                {
                    context.Abort();
                }
                else
                {
                    await Task.Delay(SilenceFor, context.RequestAborted).ConfigureAwait(false);
                }

                return;
            case Scenarios.Silent:
                // Headers are not sent until the first write, so the caller sees nothing at all.
                await Task.Delay(SilenceFor, context.RequestAborted).ConfigureAwait(false);
                break;
            case Scenarios.Trickle when !request.Stream:
                await Task.Delay(TrickleDelay * 3, context.RequestAborted).ConfigureAwait(false);
                break;
        }

        if (!request.Stream)
        {
            await WriteJsonAsync(context, 200, OpenAITranscripts.Render(answer.Json, model)).ConfigureAwait(false);
            return;
        }

        FakeAnthropicUpstream.StartStream(context);
        var delay = scenario == Scenarios.Trickle ? TrickleDelay : TimeSpan.Zero;
        var events = answer.Stream(model);
        await FakeAnthropicUpstream.WriteEventsAsync(context, reshape is null ? events : reshape(events), delay).ConfigureAwait(false);
        if (scenario == Scenarios.Cut)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(answer.CutTail ?? string.Empty), context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await Task.Delay(50, context.RequestAborted).ConfigureAwait(false);
            context.Abort();
        }
        else if (scenario == Scenarios.Stall)
        {
            await Task.Delay(SilenceFor, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>What one request is answered with: the JSON body, or the SSE text (a function of the model).</summary>
    private sealed record Answer(string Json, Func<string, string> Stream, string? CutTail = null);

    private static Answer ChatAnswer(UpstreamRequest request, string scenario)
    {
        var includeUsage = OpenAIRoute.IncludeUsage(request);
        Answer Whole(OpenAITranscripts.ChatStream stream, string json) => new(json, m => OpenAITranscripts.Render(stream, m, includeUsage));
        return scenario switch
        {
            // Second turn of a tool loop (tool results sent back): answer in text.
            Scenarios.Tools when !OpenAIRoute.HasToolResults(request) => Whole(OpenAITranscripts.ChatToolsStream, OpenAITranscripts.ChatToolsJson),
            Scenarios.Reasoning => Whole(OpenAITranscripts.ChatReasoningStream, OpenAITranscripts.ChatReasoningJson),
            Scenarios.Cache => Whole(OpenAITranscripts.ChatCacheStream, OpenAITranscripts.ChatCacheJson),
            Scenarios.ErrorMid => new(OpenAITranscripts.ChatTextJson, m => OpenAITranscripts.RenderChunks(OpenAITranscripts.ChatErrorMidStream, m, includeUsage) + OpenAITranscripts.StreamErrorEvent),
            Scenarios.Cut => new(OpenAITranscripts.ChatTextJson, m => OpenAITranscripts.RenderChunks(OpenAITranscripts.ChatCutStream, m, includeUsage), OpenAITranscripts.ChatCutTail),
            Scenarios.Stall => new(OpenAITranscripts.ChatTextJson, m => OpenAITranscripts.RenderChunks(OpenAITranscripts.ChatStallStream, m, includeUsage)),
            _ => Whole(OpenAITranscripts.ChatTextStream, OpenAITranscripts.ChatTextJson),
        };
    }

    private static Answer ResponsesAnswer(UpstreamRequest request, string scenario)
    {
        static Answer Whole(string stream, string json) => new(json, m => OpenAITranscripts.Render(stream, m));
        return scenario switch
        {
            Scenarios.Tools when !OpenAIRoute.HasToolResults(request) => Whole(OpenAITranscripts.ResponsesToolsStream, OpenAITranscripts.ResponsesToolsJson),
            Scenarios.Reasoning => Whole(OpenAITranscripts.ResponsesReasoningStream, OpenAITranscripts.ResponsesReasoningJson),
            Scenarios.Cache => Whole(OpenAITranscripts.ResponsesCacheStream, OpenAITranscripts.ResponsesCacheJson),
            Scenarios.ErrorMid => Whole(OpenAITranscripts.ResponsesErrorMidStream, OpenAITranscripts.ResponsesTextJson),
            // The cut prefix already ends in half an event; the tail is empty.
            Scenarios.Cut => new(OpenAITranscripts.ResponsesTextJson, m => OpenAITranscripts.Render(OpenAITranscripts.ResponsesCutPrefix, m), string.Empty),
            Scenarios.Stall => Whole(OpenAITranscripts.ResponsesStallPrefix, OpenAITranscripts.ResponsesTextJson),
            _ => Whole(OpenAITranscripts.ResponsesTextStream, OpenAITranscripts.ResponsesTextJson),
        };
    }

    private static string? BearerToken(UpstreamRequest request)
    {
        var authorization = request.Header("authorization");
        return authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : null;
    }

    /// <summary>OpenAI's rate-limit headers, sent on every answer (values as the rate-limit guide shows them).</summary>
    private static void SetRateLimitHeaders(HttpContext context, int remainingRequests)
    {
        context.Response.Headers["x-ratelimit-limit-requests"] = "500";
        context.Response.Headers["x-ratelimit-limit-tokens"] = "30000";
        context.Response.Headers["x-ratelimit-remaining-requests"] = remainingRequests.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["x-ratelimit-remaining-tokens"] = remainingRequests == 0 ? "29000" : "29950";
        context.Response.Headers["x-ratelimit-reset-requests"] = remainingRequests == 0 ? "120ms" : "12ms";
        context.Response.Headers["x-ratelimit-reset-tokens"] = "2s";
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
