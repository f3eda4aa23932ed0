using Relay.Core.Accounts;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Usage;
using Relay.Protocols.Anthropic;
using Relay.Server.Forwarding;
using Relay.Server.Hosting;

namespace Relay.Server.Inference;

/// <summary>
/// The Anthropic request path, top to bottom:
/// 1. authenticate the relay key (snapshot lookup by hash);
/// 2. read the body once and its head (model, stream, conversation);
/// 3. choose and lease an account (sticky, priority, weight, load, health);
/// 4. send it, classify the answer, and relay it — or fail over to the next account;
/// 5. settle: release the lease, update account health and stickiness, record one usage event.
/// No step touches the database.
/// </summary>
internal sealed partial class MessagesProxy(
    ISnapshotSource snapshots,
    AccountScheduler scheduler,
    IHotState state,
    AnthropicForwarder forwarder,
    UsageRecorder usage,
    RelayOptions options,
    TimeProvider time,
    ILogger<MessagesProxy> logger)
{
    private readonly TimeSpan _stickyTtl = TimeSpan.FromSeconds(options.StickyTtlSeconds);

    /// <param name="upstreamPath">The Anthropic path to call, e.g. <c>/v1/messages</c>.</param>
    /// <param name="hasBody">POST routes carry a JSON body with a model; GET /v1/models does not.</param>
    public async Task HandleAsync(HttpContext context, string upstreamPath, bool hasBody)
    {
        // 1. Authenticate.
        var snapshot = snapshots.Current;
        var key = ClientKey.Authenticate(context.Request, snapshot, time.GetUtcNow(), out var refusal);
        if (key is null)
        {
            await AnthropicErrorResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, refusal).ConfigureAwait(false);
            return;
        }

        var request = new RelayRequest(context, key, snapshot, upstreamPath);
        try
        {
            // 2. Read the body and its head.
            if (hasBody && !await ReadHeadAsync(request).ConfigureAwait(false))
            {
                return;
            }

            // 3–4. Attempts.
            var outcome = await ForwardWithFailoverAsync(request).ConfigureAwait(false);

            // 5. Settle.
            Record(request, outcome);
        }
        finally
        {
            request.Body?.Dispose();
        }
    }

    private async Task<bool> ReadHeadAsync(RelayRequest request)
    {
        var context = request.Http;
        var (body, error) = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        switch (error)
        {
            case BodyError.TooLarge:
                await AnthropicErrorResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"Request body exceeds the relay's limit of {options.MaxRequestBodyBytes} bytes.").ConfigureAwait(false);
                return false;
            case BodyError.Encoded:
                await AnthropicErrorResponse.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Compressed request bodies are not supported; send the JSON uncompressed.", errorType: "invalid_request_error").ConfigureAwait(false);
                return false;
        }

        request.Body = body;
        if (!MessagesRequestReader.TryRead(body!.Span, out var head, out var invalid))
        {
            await AnthropicErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, invalid ?? "Invalid request body.").ConfigureAwait(false);
            return false;
        }

        request.Model = head.Model;
        request.Stream = head.Stream;
        request.ModelValueStart = head.ModelValueStart;
        request.ModelValueLength = head.ModelValueLength;

        // Claude Code names its session in a header too; an explicit id beats a content hash.
        var headerSession = context.Request.Headers["X-Claude-Code-Session-Id"];
        request.SessionKey = headerSession.Count > 0 && !string.IsNullOrEmpty(headerSession[0]) ? "s:" + headerSession[0] : head.SessionKey;
        return true;
    }

    private async Task<Outcome> ForwardWithFailoverAsync(RelayRequest request)
    {
        var tried = new List<string>(capacity: 2);
        AttemptResult last = default;
        string? lastAccountId = null;

        for (var attempt = 1; attempt <= Math.Max(1, options.MaxAttempts); attempt++)
        {
            var now = time.GetUtcNow();
            var selection = scheduler.Select(request.Snapshot, Platforms.Anthropic, request.Model, request.SessionKey, tried, now);
            if (selection.Account is not { } account)
            {
                return await RefuseAsync(request, selection, last, lastAccountId, tried.Count).ConfigureAwait(false);
            }

            tried.Add(account.Id);
            lastAccountId = account.Id;
            AttemptResult result;
            try
            {
                result = await forwarder.SendAsync(request, account).ConfigureAwait(false);
            }
            finally
            {
                state.Release(account.Id);
            }

            last = result;
            if (result.Failure is { } kind)
            {
                state.ReportFailure(account.Id, kind, result.RetryHint, result.Reason ?? kind.ToString(), time.GetUtcNow());
                Log.AttemptFailed(logger, account.Id, kind, result.Reason ?? string.Empty, result.Committed);
            }
            else if (result.Committed && result.ClientStatus is >= 200 and < 300)
            {
                state.ReportSuccess(account.Id);
            }

            if (result.Committed || result.ClientGone)
            {
                if (request.SessionKey is { } session && result.Failure is null && !result.ClientGone)
                {
                    state.SetSticky(session, account.Id, _stickyTtl, time.GetUtcNow());
                }

                return new Outcome(account, result, tried.Count);
            }
        }

        // Every attempt failed over and the budget of attempts is spent.
        return await RefuseAsync(request, AccountSelection.None(NoAccountReason.AllTried, default), last, lastAccountId, tried.Count).ConfigureAwait(false);
    }

    /// <summary>No account answered: tell the client in Anthropic's shape, with when to retry.</summary>
    private async Task<Outcome> RefuseAsync(RelayRequest request, AccountSelection selection, AttemptResult last, string? lastAccountId, int attempts)
    {
        var recovery = selection.RetryAfter is null ? EarliestRecovery(request) : selection.Recovery;
        var retryAfter = recovery.After;
        int status;
        string message;
        string? type = null;
        if (selection.Reason == NoAccountReason.ModelNotServed)
        {
            status = StatusCodes.Status404NotFound;
            message = $"No account on this relay serves the model '{request.Model}'.";
            type = "not_found_error";
            retryAfter = null;
        }
        else
        {
            // What this request saw decides; if it tried nothing, what keeps the pool out does.
            (status, type, message) = (last.Failure ?? recovery.Kind) switch
            {
                FailureKind.RateLimited => (429, "rate_limit_error", "All upstream accounts for this model are rate limited."),
                FailureKind.Overloaded => (529, "overloaded_error", "Upstream accounts are overloaded."),
                FailureKind.AuthRejected => (502, "api_error", "The upstream refused the relay's credentials."),
                FailureKind.Network => (502, "api_error", "The upstream could not be reached."),
                FailureKind.StreamError or FailureKind.ServerError => (502, "api_error", "The upstream failed to answer."),
                _ => (529, "overloaded_error", "No upstream account is available right now; all are busy or cooling down."),
            };
        }

        await AnthropicErrorResponse.WriteAsync(request.Http, status, message, retryAfter, type).ConfigureAwait(false);
        var result = last with { Committed = true, ClientStatus = status, ErrorClass = last.ErrorClass ?? ErrorClasses.NoAccount };
        var account = lastAccountId is not null && request.Snapshot.AccountsById.TryGetValue(lastAccountId, out var a) ? a : null;
        return new Outcome(account, result, attempts);
    }

    private Recovery EarliestRecovery(RelayRequest request) =>
        scheduler.EarliestRecovery(request.Snapshot, Platforms.Anthropic, request.Model, time.GetUtcNow());

    private void Record(RelayRequest request, Outcome outcome)
    {
        var result = outcome.Result;
        var upstreamModel = result.UpstreamModel ?? (request.Model is { } m && outcome.Account is { } a ? a.MapModel(m) : request.Model);
        usage.Record(new UsageEvent
        {
            Timestamp = time.GetUtcNow(),
            KeyId = request.Key.Id,
            AccountId = outcome.Account?.Id,
            Platform = Platforms.Anthropic,
            RequestedModel = request.Model,
            UpstreamModel = upstreamModel,
            Tokens = result.Usage,
            Cost = request.Snapshot.Prices.Cost(upstreamModel, result.Usage),
            Status = result.ClientGone && !result.Committed ? 499 : result.ClientStatus,
            ErrorClass = result.ErrorClass,
            LatencyMs = request.ElapsedMs,
            FirstByteMs = result.FirstByteMs,
            Stream = request.Stream,
            Attempts = outcome.Attempts,
        });
    }

    private readonly record struct Outcome(AccountEntry? Account, AttemptResult Result, int Attempts);

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Warning, "Account {AccountId} failed ({Kind}): {Reason}; committed to client: {Committed}")]
        public static partial void AttemptFailed(ILogger logger, string accountId, FailureKind kind, string reason, bool committed);
    }
}
