using System.Buffers;
using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.Net.Http.Headers;
using Relay.Core.Accounts;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.RateLimits;
using Relay.Protocols.Sse;
using Relay.Server.Hosting;
using Relay.Server.Forwarding.Exchanges;
using Relay.Server.Inference;
using Relay.Server.OAuth;

namespace Relay.Server.Forwarding;

/// <summary>
/// One attempt of one request on one account: send, classify the answer, and either relay it to
/// the client (committing the request to this account) or report why the next account should be
/// tried. Nothing reaches the client before the answer is known to be good: a non-streamed body
/// is read whole first (a stream-only account's stream gathered whole), a stream's first event is inspected first.
/// </summary>
internal sealed class Forwarder(UpstreamHttp upstream, OAuthBearer oauth, IHotState state, OAuthProviders providers)
{
    private const int MaxBufferedResponseBytes = 64 * 1024 * 1024;
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>What each sign-in provider requires of its accounts' requests (headers, Responses bodies), built once.</summary>
    private readonly FrozenDictionary<string, SignInRequestRules> _signInRules = SignInRequestRules.ByProvider(providers);

    public async Task<AttemptResult> SendAsync(RelayRequest request, AccountEntry account)
    {
        var clientAborted = request.Http.RequestAborted;

        // Timeouts are live settings, read from the request's snapshot (plain fields, no store read).
        var forwarding = request.Snapshot.Forwarding;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        timeout.CancelAfter(request.Stream ? forwarding.StreamFirstByteTimeout : forwarding.FirstByteTimeout);

        var exchange = Exchange.For(request, account);

        // OAuth accounts send their live access token (refreshed first when about to expire) and their provider's
        // required headers; API-key accounts skip this without an await or a lookup, so they pay nothing for it.
        OAuthTokenSet? tokens = null;
        ProviderRequestHeaders? providerHeaders = null;
        ResponsesBodyRules? bodyRules = null;
        var gather = false;
        if (account.IsOAuth)
        {
            var rules = account.Record.OAuthProvider is { } id && _signInRules.TryGetValue(id, out var found) ? found : null;
            providerHeaders = rules?.Headers;
            bodyRules = exchange.UpstreamShape == WireShapes.Responses ? rules?.ResponsesBody : null;

            // The backend answers nothing but streams: a non-streamed request is sent streamed and its stream gathered
            // into the non-streamed answer (GatheredStream), so its first byte comes as soon as a stream's does.
            gather = bodyRules is { StreamOnly: true } && !request.Stream;
            if (gather)
            {
                timeout.CancelAfter(forwarding.StreamFirstByteTimeout);
            }

            var current = await oauth.CurrentAsync(account, clientAborted).ConfigureAwait(false);
            if (current.Tokens is not { } set)
            {
                return current.Stop;
            }

            tokens = set;
        }

        for (var retried = false; ; retried = true)
        {
            var result = await SendOnceAsync(request, account, exchange, tokens, providerHeaders, bodyRules, gather, retried, timeout).ConfigureAwait(false);
            if (result.Renewed is not { } renewed)
            {
                return result.Attempt;
            }

            tokens = renewed;
        }
    }

    /// <summary>One send: the attempt's result, or the renewed token set to retry with after an OAuth account's 401.</summary>
    private readonly record struct OnceResult(AttemptResult Attempt, OAuthTokenSet? Renewed)
    {
        public static implicit operator OnceResult(AttemptResult attempt) => new(attempt, null);
    }

    private async Task<OnceResult> SendOnceAsync(
        RelayRequest request, AccountEntry account, Exchange exchange, OAuthTokenSet? tokens, ProviderRequestHeaders? providerHeaders, ResponsesBodyRules? bodyRules, bool gather, bool retried, CancellationTokenSource timeout)
    {
        var clientAborted = request.Http.RequestAborted;
        var forwarding = request.Snapshot.Forwarding;
        using var message = exchange.CreateRequest(bodyRules, gather, out var refusal);
        if (message is null)
        {
            // This account cannot take the request as the client wrote it (e.g. a field Claude cannot express).
            await request.Shape.WriteErrorAsync(request, StatusCodes.Status400BadRequest, "invalid_request_error", refusal!.ToString(), param: refusal.Field).ConfigureAwait(false);
            return new AttemptResult { Committed = true, ClientStatus = StatusCodes.Status400BadRequest, ErrorClass = ErrorClasses.InvalidRequest };
        }

        if (tokens is not null)
        {
            UpstreamEndpoint.AuthorizeBearer(message, tokens.AccessToken);
            providerHeaders?.Apply(message, tokens);
        }

        // The account's own route: its proxy's handler, or the direct one (null: a proxy that cannot be read, so nothing is sent).
        if (upstream.InvokerFor(account) is not { } invoker)
        {
            return AttemptResult.Failover(FailureKind.Network, "proxy unusable (the stored proxy URL cannot be read)");
        }

        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new AttemptResult { ClientGone = true, ErrorClass = ErrorClasses.ClientClosed };
        }
        catch (OperationCanceledException)
        {
            return AttemptResult.Failover(FailureKind.Network, "no response from upstream in time");
        }
        catch (HttpRequestException ex)
        {
            // Through a proxy, a refused or unreachable proxy is this account's connect failure; the endpoint carries no credentials.
            return AttemptResult.Failover(FailureKind.Network, account.Proxy is { } proxy
                ? $"upstream unreachable through proxy {proxy.Endpoint} ({ex.HttpRequestError})"
                : $"upstream unreachable ({ex.HttpRequestError})");
        }

        using (response)
        {
            var status = (int)response.StatusCode;

            // Subscription usage windows (Anthropic unified / Codex headers), on good answers and on 429s alike: kept as
            // soon as the headers arrive, before anything reaches the client (memory only; latest wins).
            var arrived = DateTimeOffset.UtcNow;
            var usageWindows = UsageWindowReader.Read(response, arrived);
            if (usageWindows is not null)
            {
                state.ReportUsageWindows(account.Id, usageWindows, arrived);
            }

            if (status == StatusCodes.Status407ProxyAuthenticationRequired && account.Proxy is { } refusing)
            {
                // The account's HTTP proxy, not the upstream, refused (plain-http targets see the proxy's answer as the response):
                // a connect failure of this account, never passed to the client.
                return AttemptResult.Failover(FailureKind.Network, $"proxy {refusing.Endpoint} refused the credentials (407)");
            }

            if (status == StatusCodes.Status401Unauthorized && tokens is not null && !retried)
            {
                var renewed = await oauth.RenewAsync(account, tokens.AccessToken, timeout.Token, clientAborted).ConfigureAwait(false);
                return renewed.Tokens is { } fresh ? new OnceResult(default, fresh) : renewed.Stop;
            }

            if (Classify(status) is { } failure)
            {
                return await ReadFailureAsync(response, failure, usageWindows, timeout.Token).ConfigureAwait(false);
            }

            var stream = IsEventStream(response);
            if (gather && stream && status is >= 200 and < 300)
            {
                return await RelayGatheredAsync(request, exchange, response, timeout).ConfigureAwait(false);
            }

            return stream && status is >= 200 and < 300
                ? await SseRelay.RelayAsync(request, exchange.CreateStream(), response, timeout, forwarding.StreamIdleTimeout).ConfigureAwait(false)
                : await RelayBufferedAsync(request, exchange, response, timeout, mayDecline: tokens is not null && status == StatusCodes.Status400BadRequest && account.Platform == Platforms.Anthropic).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The failover table for upstream statuses. Any other 4xx is the request's own fault (context
    /// too long, bad parameter, content refused): it goes to the client unchanged and cools nothing.
    /// </summary>
    private static FailureKind? Classify(int status) => status switch
    {
        429 => FailureKind.RateLimited,
        529 or 503 => FailureKind.Overloaded,
        401 or 403 => FailureKind.AuthRejected,
        >= 500 => FailureKind.ServerError,
        _ => null,
    };

    private static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static async Task<AttemptResult> ReadFailureAsync(HttpResponseMessage response, FailureKind kind, UsageWindowReport? usageWindows, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? type = null;
        string? message = null;
        DateTimeOffset? limitReset = null;
        try
        {
            using var body = await PooledBody.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            (type, message) = UpstreamErrors.Read(body.Span);

            // ChatGPT's spent plan says when it resets in the body too (usage_limit_reached), with or without x-codex-* headers.
            if (kind == FailureKind.RateLimited && string.Equals(type, UsageLimitError.Type, StringComparison.Ordinal))
            {
                limitReset = UsageLimitError.Reset(body.Span, DateTimeOffset.UtcNow);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidDataException)
        {
            // The status alone decides; an unreadable error body changes nothing.
        }

        TimeSpan? hint = null;
        if (kind is FailureKind.RateLimited or FailureKind.Overloaded)
        {
            var now = DateTimeOffset.UtcNow;
            hint = RateLimitHeaders.RetryAfter(Header(response, HeaderNames.RetryAfter), now);

            // A subscription's usage window is exhausted: cool until that window resets (at least the retry-after). The
            // headers name the window; a usage_limit_reached body only gives the reset, which counts when it is later.
            var exhaustion = kind == FailureKind.RateLimited ? usageWindows?.Exhausted(now) : null;
            if (limitReset is { } bodyReset && (exhaustion is null || bodyReset > exhaustion.Value.Until))
            {
                exhaustion = new UsageExhaustion(null, bodyReset);
            }

            if (exhaustion is { } exhausted)
            {
                var until = exhausted.Until;
                if (hint is { } wait && wait < CoolingPolicy.MaxUsageWindowCooldown && now + wait > until)
                {
                    until = now + wait;
                }

                return AttemptResult.Failover(kind, ExhaustedReason(exhausted), status, until - now) with { UpstreamMessage = message, CoolUntil = until };
            }

            if (hint is null && RateLimitHeaders.LatestReset(name => Header(response, name)) is { } reset)
            {
                hint = reset - now;
            }

            // OpenAI and compatible hosts: retry-after-ms, else the reset of the exhausted x-ratelimit-* limit.
            hint ??= OpenAIRateLimitHeaders.Reset(name => Header(response, name));
        }

        // The reason is logged and shown as the state's reason: status and error type only, never the upstream's free
        // text. The message goes only to the account's last error, scrubbed of the credential first.
        var reason = type is null ? $"upstream answered {status}" : $"upstream answered {status} {type}";
        return AttemptResult.Failover(kind, reason, status, hint) with { UpstreamMessage = message };
    }

    /// <summary>"5-hour usage window exhausted; resets 2026-11-24T08:00:00Z" (no upstream text).</summary>
    private static string ExhaustedReason(UsageExhaustion exhausted)
    {
        var resets = exhausted.Until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return exhausted.Window is { } window
            ? $"{UsageWindow.Describe(window)} usage window exhausted; resets {resets}"
            : $"usage limit reached; resets {resets}";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// Non-streamed answers (and errors passed through): read whole, so that a body that fails
    /// half-way can still fail over, then sent with its usage read from the JSON.
    /// </summary>
    /// <param name="mayDecline">A subscription account's 400: checked for a refusal that another account could serve (<see cref="SubscriptionRefusals"/>) before anything is sent.</param>
    private async Task<AttemptResult> RelayBufferedAsync(RelayRequest request, Exchange exchange, HttpResponseMessage response, CancellationTokenSource timeout, bool mayDecline)
    {
        var clientAborted = request.Http.RequestAborted;
        var status = (int)response.StatusCode;
        PooledBody body;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            body = await PooledBody.ReadAsync(stream, MaxBufferedResponseBytes, timeout.Token, response.Content.Headers.ContentLength, timeout, request.Snapshot.Forwarding.StreamIdleTimeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new AttemptResult { ClientGone = true, ErrorClass = ErrorClasses.ClientClosed, UpstreamStatus = status };
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return AttemptResult.Failover(FailureKind.Network, "upstream body was cut off", status);
        }
        catch (InvalidDataException)
        {
            return AttemptResult.Failover(FailureKind.ServerError, "upstream body too large", status);
        }

        using (body)
        {
            return await SendBufferedAsync(request, exchange, response, body.Memory, mayDecline, gathered: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A stream-only account's stream for a non-streamed request, gathered into its final Responses object and then
    /// answered exactly like a non-streamed upstream answer (same body path, translators, usage).
    /// </summary>
    private static async Task<AttemptResult> RelayGatheredAsync(RelayRequest request, Exchange exchange, HttpResponseMessage response, CancellationTokenSource timeout)
    {
        using var gatherer = new ResponsesStreamGatherer(MaxBufferedResponseBytes);
        if (await GatheredStream.ReadAsync(gatherer, response, timeout, request.Snapshot.Forwarding.StreamIdleTimeout, request.Http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        return await SendBufferedAsync(request, exchange, response, gatherer.Response!.Value, mayDecline: false, gathered: true).ConfigureAwait(false);
    }

    /// <summary>Sends a whole upstream answer (read or gathered) to the client, in its format, with the usage it reports.</summary>
    /// <param name="gathered">The body is a gathered stream's final object: JSON, whatever content type the stream had.</param>
    private static async Task<AttemptResult> SendBufferedAsync(RelayRequest request, Exchange exchange, HttpResponseMessage response, ReadOnlyMemory<byte> upstreamBody, bool mayDecline, bool gathered)
    {
        var clientAborted = request.Http.RequestAborted;
        var status = (int)response.StatusCode;
        var ok = status is >= 200 and < 300;
        var (clientBody, usage, model) = exchange.ClientBody(status, upstreamBody);
        if (mayDecline && SubscriptionRefusals.IsClaudeCodeOnly(upstreamBody.Span))
        {
            // The account is fine but may not serve this request: the next account is tried, and the client gets this
            // answer (in its own format) only when none is left. Nothing cools, nothing is marked.
            return AttemptResult.Declined(SubscriptionRefusals.ClaudeCodeOnlyReason, status, clientBody.ToArray());
        }

        var firstByteMs = request.ElapsedMs;
        var http = request.Http.Response;
        ResponseHeaders.Copy(response, http, stream: false);
        if (gathered)
        {
            http.ContentType = "application/json";
        }

        http.ContentLength = clientBody.Length;
        request.Capture?.Append(clientBody.Span);
        try
        {
            await http.Body.WriteAsync(clientBody, clientAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return new AttemptResult { Committed = true, ClientGone = true, ClientStatus = status, UpstreamStatus = status, Usage = usage, UpstreamModel = model, ErrorClass = ErrorClasses.ClientClosed, FirstByteMs = firstByteMs };
        }

        return new AttemptResult
        {
            Committed = true,
            ClientStatus = status,
            UpstreamStatus = status,
            Usage = usage,
            UpstreamModel = model,
            FirstByteMs = firstByteMs,
            ErrorClass = ok ? null : ErrorClasses.InvalidRequest,
        };
    }
}
