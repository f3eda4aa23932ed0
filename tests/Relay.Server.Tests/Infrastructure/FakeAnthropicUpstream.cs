using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on loopback that answers like the Anthropic Messages API. One instance serves many
/// accounts: each account's baseUrl carries a path prefix (<see cref="BaseUrl"/>), e.g.
/// <c>http://127.0.0.1:PORT/s/429-b</c>; requests then arrive at <c>/s/429-b/v1/messages</c> and the
/// prefix's leading scenario name (<see cref="Scenarios"/>) picks the behaviour. Every request is recorded per
/// prefix (path and query, headers, raw body, the exact bytes answered, whether it was aborted).
/// </summary>
public sealed partial class FakeAnthropicUpstream : IAsyncDisposable
{
    /// <summary>Scenario names a prefix can start with (the prefix is the name, or the name + "-" + anything).</summary>
    public static class Scenarios
    {
        public const string Ok = "ok";
        public const string Tools = "tools";
        public const string Thinking = "thinking";
        public const string Cache = "cache";
        public const string RateLimited = "429";
        public const string Overloaded = "529";
        public const string ServerError = "500";
        public const string AuthError = "401";
        public const string BadRequest = "400";
        public const string ErrorFirst = "error-first";
        public const string Cut = "cut";
        public const string Trickle = "trickle";
        public const string Silent = "silent";
        public const string Stall = "stall";

        internal static readonly string[] All =
            [.. new[] { Ok, Tools, Thinking, Cache, RateLimited, Overloaded, ServerError, AuthError, BadRequest, ErrorFirst, Cut, Trickle, Silent, Stall }
                .OrderByDescending(s => s.Length)];
    }

    public const string RetryAfterSeconds = "30";

    private readonly WebApplication _app;
    private readonly UpstreamRequestLog _log = new();

    private FakeAnthropicUpstream(WebApplication app)
    {
        _app = app;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Delay before each event of the <c>trickle</c> scenario.</summary>
    public TimeSpan TrickleDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How long <c>silent</c> and <c>stall</c> keep quiet (they end early when the caller goes away).</summary>
    public TimeSpan SilenceFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <param name="tlsCertificate">When given, the fake also listens with TLS (<see cref="TlsAddress"/>) under this certificate.</param>
    public static async Task<FakeAnthropicUpstream> StartAsync(X509Certificate2? tlsCertificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
            if (tlsCertificate is not null)
            {
                k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(tlsCertificate));
            }
        });
        var app = builder.Build();
        var fake = new FakeAnthropicUpstream(app);
        app.Run(fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        fake.Address = app.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
        fake.TlsAddress = app.Urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal))?.TrimEnd('/');
        return fake;
    }

    /// <summary>https://127.0.0.1:PORT when started with a certificate, else null.</summary>
    public string? TlsAddress { get; private set; }

    /// <summary>The baseUrl to give an account so that its requests play <paramref name="prefix"/>'s scenario.</summary>
    public string BaseUrl(string prefix) => $"{Address}/s/{prefix}";

    /// <summary>Like <see cref="BaseUrl"/>, over TLS (<see cref="TlsAddress"/>).</summary>
    public string TlsBaseUrl(string prefix) => $"{TlsAddress ?? throw new InvalidOperationException("The fake was started without TLS.")}/s/{prefix}";

    /// <summary>A base URL on a loopback port nothing listens on: connecting is refused.</summary>
    public static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

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
            await WriteJsonAsync(context, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no scenario prefix\"}}", null).ConfigureAwait(false);
            return;
        }

        var prefix = request.Prefix;
        using var registration = context.RequestAborted.Register(request.MarkAborted);

        // Everything written is also kept, so tests can compare the client's bytes with the upstream's.
        var recorder = new RecordingStream(context.Response.Body, request);
        context.Response.Body = recorder;
        context.Response.Headers["request-id"] = "req_fake_" + request.Sequence.ToString(CultureInfo.InvariantCulture);

        try
        {
            if (_log.ScriptFor(prefix) is { } script)
            {
                await script(context, request).ConfigureAwait(false);
            }
            else
            {
                await PlayAsync(context, request, ScenarioOf(prefix) ?? Scenarios.Ok).ConfigureAwait(false);
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

    private async Task PlayAsync(HttpContext context, UpstreamRequest request, string scenario)
    {
        var aborted = context.RequestAborted;
        switch (scenario)
        {
            case Scenarios.RateLimited:
                var reset = DateTimeOffset.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                context.Response.Headers["retry-after"] = RetryAfterSeconds;
                context.Response.Headers["anthropic-ratelimit-requests-limit"] = "50";
                context.Response.Headers["anthropic-ratelimit-requests-remaining"] = "0";
                context.Response.Headers["anthropic-ratelimit-requests-reset"] = reset;
                context.Response.Headers["anthropic-ratelimit-tokens-limit"] = "40000";
                context.Response.Headers["anthropic-ratelimit-tokens-remaining"] = "39000";
                context.Response.Headers["anthropic-ratelimit-tokens-reset"] = reset;
                await WriteJsonAsync(context, 429, UpstreamTranscripts.RateLimitErrorJson, null).ConfigureAwait(false);
                return;
            case Scenarios.Overloaded:
                await WriteJsonAsync(context, 529, UpstreamTranscripts.OverloadedErrorJson, null).ConfigureAwait(false);
                return;
            case Scenarios.ServerError:
                await WriteJsonAsync(context, 500, UpstreamTranscripts.ApiErrorJson, null).ConfigureAwait(false);
                return;
            case Scenarios.AuthError:
                await WriteJsonAsync(context, 401, UpstreamTranscripts.AuthErrorJson, null).ConfigureAwait(false);
                return;
            case Scenarios.BadRequest:
                await WriteJsonAsync(context, 400, UpstreamTranscripts.PromptTooLongJson, null).ConfigureAwait(false);
                return;
        }

        // Non-error scenarios answer the side endpoints normally.
        if (HttpMethods.IsGet(context.Request.Method) && request.Path == "/v1/models")
        {
            await WriteJsonAsync(context, 200, UpstreamTranscripts.ModelsJson, null).ConfigureAwait(false);
            return;
        }

        if (request.Path == "/v1/messages/count_tokens")
        {
            await WriteJsonAsync(context, 200, UpstreamTranscripts.CountTokensJson, null).ConfigureAwait(false);
            return;
        }

        if (request.Path != "/v1/messages" || !HttpMethods.IsPost(context.Request.Method))
        {
            await WriteJsonAsync(context, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not Found\"}}", null).ConfigureAwait(false);
            return;
        }

        var model = request.Model ?? "claude-unknown";
        switch (scenario)
        {
            case Scenarios.Ok:
                await AnswerAsync(context, request, UpstreamTranscripts.TextStream, UpstreamTranscripts.TextJson, model).ConfigureAwait(false);
                return;
            case Scenarios.Tools:
                // Second turn of a tool loop: the caller sent tool results back, so answer in text.
                if (request.BodyText.Contains("\"tool_result\"", StringComparison.Ordinal))
                {
                    await AnswerAsync(context, request, UpstreamTranscripts.TextStream, UpstreamTranscripts.TextJson, model).ConfigureAwait(false);
                }
                else
                {
                    await AnswerAsync(context, request, UpstreamTranscripts.ToolsStream, UpstreamTranscripts.ToolsJson, model).ConfigureAwait(false);
                }

                return;
            case Scenarios.Thinking:
                await AnswerAsync(context, request, UpstreamTranscripts.ThinkingStream, UpstreamTranscripts.ThinkingJson, model).ConfigureAwait(false);
                return;
            case Scenarios.Cache:
                await AnswerAsync(context, request, UpstreamTranscripts.CacheStream, UpstreamTranscripts.CacheJson, model).ConfigureAwait(false);
                return;
            case Scenarios.ErrorFirst:
                StartStream(context);
                await WriteEventsAsync(context, UpstreamTranscripts.ErrorFirstStream, TimeSpan.Zero).ConfigureAwait(false);
                return;
            case Scenarios.Cut:
                StartStream(context);
                await WriteEventsAsync(context, UpstreamTranscripts.Render(UpstreamTranscripts.CutPrefix, model), TimeSpan.Zero).ConfigureAwait(false);
                await Task.Delay(50, aborted).ConfigureAwait(false);
                context.Abort();
                return;
            case Scenarios.Trickle:
                if (request.Stream)
                {
                    StartStream(context);
                    await WriteEventsAsync(context, UpstreamTranscripts.Render(UpstreamTranscripts.TextStream, model), TrickleDelay).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(TrickleDelay * 3, aborted).ConfigureAwait(false);
                    await WriteJsonAsync(context, 200, UpstreamTranscripts.TextJson, model).ConfigureAwait(false);
                }

                return;
            case Scenarios.Silent:
                // Headers are not sent until the first write, so the caller sees nothing at all.
                await Task.Delay(SilenceFor, aborted).ConfigureAwait(false);
                await AnswerAsync(context, request, UpstreamTranscripts.TextStream, UpstreamTranscripts.TextJson, model).ConfigureAwait(false);
                return;
            case Scenarios.Stall:
                StartStream(context);
                await WriteEventsAsync(context, UpstreamTranscripts.Render(UpstreamTranscripts.StallPrefix, model), TimeSpan.Zero).ConfigureAwait(false);
                await Task.Delay(SilenceFor, aborted).ConfigureAwait(false);
                return;
        }
    }

    private static async Task AnswerAsync(HttpContext context, UpstreamRequest request, string stream, string json, string model)
    {
        if (request.Stream)
        {
            StartStream(context);
            await WriteEventsAsync(context, UpstreamTranscripts.Render(stream, model), TimeSpan.Zero).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(context, 200, json, model).ConfigureAwait(false);
        }
    }

    public static void StartStream(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
    }

    /// <summary>Writes a rendered stream one event at a time, flushing each, with an optional delay before each.</summary>
    public static async Task WriteEventsAsync(HttpContext context, string rendered, TimeSpan delayBeforeEach)
    {
        foreach (var item in UpstreamTranscripts.Events(rendered))
        {
            if (delayBeforeEach > TimeSpan.Zero)
            {
                await Task.Delay(delayBeforeEach, context.RequestAborted).ConfigureAwait(false);
            }

            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(item), context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, string json, string? model)
    {
        var bytes = Encoding.UTF8.GetBytes(model is null ? json : UpstreamTranscripts.Render(json, model));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    internal sealed class RecordingStream(Stream inner, UpstreamRequest request) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            request.AppendResponse(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            request.AppendResponse(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
