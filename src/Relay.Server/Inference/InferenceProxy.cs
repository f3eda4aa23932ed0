using Relay.Core.Accounts;
using Relay.Core.Admission;
using Relay.Core.Limits;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Usage;
using Relay.Protocols.Anthropic;
using Relay.Server.Admission;
using Relay.Server.Forwarding;
using Relay.Server.Hosting;
using Relay.Server.Inference.Shapes;

namespace Relay.Server.Inference;

/// <summary>
/// The inference request path for every client format (Anthropic Messages, OpenAI Chat, OpenAI Responses), top to bottom:
/// 1. authenticate the relay key (snapshot lookup by hash) and check its expiry;
/// 2. read the body once and its head (model, stream, conversation);
/// 3. admit: the key's policy, a concurrency slot, and one reservation against its windowed limits;
/// 4. choose and lease an account from the key's pool (sticky, priority, weight, load, health, account limits);
/// 5. send it, classify the answer, and relay it — or fail over to the next account;
/// 6. settle: release the lease and slot, settle the reservations with the real usage, update account health
///    and stickiness, record one usage event.
/// No step touches the database.
/// </summary>
internal sealed partial class InferenceProxy(
    ISnapshotSource snapshots,
    AccountScheduler scheduler,
    KeyAdmission admission,
    KeyFirstUse firstUse,
    IHotState state,
    Forwarder forwarder,
    UsageRecorder usage,
    InFlightRequests inFlight,
    RelayOptions options,
    TimeProvider time,
    ILogger<InferenceProxy> logger)
{
    /// <param name="upstreamPath">The Anthropic path to call, e.g. <c>/v1/messages</c>.</param>
    /// <param name="metered">Counts against the key's request, token and cost limits (generation does; counting tokens does not).</param>
    public async Task HandleAsync(HttpContext context, ClientShape shape, string upstreamPath, bool metered)
    {
        // 1. Authenticate.
        var snapshot = snapshots.Current;
        var now = time.GetUtcNow();
        var key = ClientKey.Authenticate(context.Request, snapshot, now, firstUse, out var refusal);
        if (key is null)
        {
            await shape.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", refusal).ConfigureAwait(false);
            return;
        }

        firstUse.Note(key);
        // Content logging is a live setting: one bool read here; while off, no capture exists and nothing is copied.
        var request = new RelayRequest(context, shape, key, snapshot, upstreamPath) { Capture = ContentCapture.For(snapshot) };
        try
        {
            // 2. Read the body and its head.
            if (!await ReadHeadAsync(request).ConfigureAwait(false))
            {
                return;
            }

            // 3. Admission: policy first, it needs nothing but the request head.
            if (KeyAdmission.CheckPolicy(snapshot, key, request.Model, context.Request.Headers.UserAgent.ToString()) is { } denied)
            {
                await RefuseAsync(request, denied).ConfigureAwait(false);
                return;
            }

            await AdmitAndForwardAsync(request, metered).ConfigureAwait(false);
        }
        finally
        {
            request.Body?.Dispose();
        }
    }

    private async Task AdmitAndForwardAsync(RelayRequest request, bool metered)
    {
        var key = request.Key;
        var (slot, slotRefusal) = await admission.AcquireSlotAsync(key, request.Http.RequestAborted).ConfigureAwait(false);
        if (slot == SlotOutcome.Cancelled)
        {
            Record(request, new Outcome(null, new AttemptResult { ClientGone = true, ClientStatus = 499, ErrorClass = ErrorClasses.ClientClosed }, 0));
            return;
        }

        if (slotRefusal is { } busy)
        {
            await RefuseAsync(request, busy).ConfigureAwait(false);
            return;
        }

        ReservationHandle? reservation = null;
        Outcome? outcome = null;
        var settled = false;
        try
        {
            if (metered && request.Body is { } body && (key.NeedsUsageEstimate || request.Snapshot.AccountsNeedUsageEstimate))
            {
                var tokens = PromptSizeEstimator.EstimateInputTokens(body.Span);
                request.Estimate = new UsageEstimate(tokens, request.Snapshot.Prices.InputCost(request.Model, tokens));
            }

            if (metered)
            {
                (reservation, var limited) = admission.Reserve(request.Snapshot, key, request.Estimate.Tokens, request.Estimate.Cost, time.GetUtcNow());
                if (limited is { } over)
                {
                    await RefuseAsync(request, over).ConfigureAwait(false);
                    return;
                }
            }

            // 4–5. Attempts. From here the request counts as in flight (GET /api/status) until it is answered.
            inFlight.Enter();
            try
            {
                outcome = await ForwardWithFailoverAsync(request, metered).ConfigureAwait(false);
            }
            finally
            {
                inFlight.Exit();
            }

            // 6. Settle the limits and free the slot before recording, so anyone who sees the usage event
            // (a report, /api/me) also sees the limits that include it.
            Settle(request, reservation, outcome.Value, slot);
            settled = true;
            Record(request, outcome.Value);
        }
        finally
        {
            // Exceptions and client aborts too: a reservation is always settled or refunded, a slot always freed.
            if (!settled)
            {
                Settle(request, reservation, outcome.GetValueOrDefault(), slot);
            }
        }
    }

    private void Settle(RelayRequest request, ReservationHandle? reservation, Outcome outcome, SlotOutcome slot)
    {
        admission.Complete(request.Snapshot, reservation, outcome.Result.Usage.Total, outcome.Cost, outcome.ReachedUpstream, time.GetUtcNow());
        if (slot == SlotOutcome.Acquired)
        {
            admission.ReleaseSlot(request.Key);
        }
    }

    private async Task<bool> ReadHeadAsync(RelayRequest request)
    {
        var context = request.Http;
        var (body, error) = await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
        switch (error)
        {
            case BodyError.TooLarge:
                await request.Shape.WriteErrorAsync(request, StatusCodes.Status413PayloadTooLarge, "request_too_large", $"Request body exceeds the relay's limit of {options.MaxRequestBodyBytes} bytes.").ConfigureAwait(false);
                return false;
            case BodyError.Encoded:
                await request.Shape.WriteErrorAsync(request, StatusCodes.Status415UnsupportedMediaType, "invalid_request_error", "Compressed request bodies are not supported; send the JSON uncompressed.").ConfigureAwait(false);
                return false;
        }

        request.Body = body;
        if (!request.Shape.TryReadHead(request, body!.Span, out var invalid))
        {
            await request.Shape.WriteErrorAsync(request, StatusCodes.Status400BadRequest, "invalid_request_error", invalid ?? "Invalid request body.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task<Outcome> ForwardWithFailoverAsync(RelayRequest request, bool metered)
    {
        // Accounts not to choose again: each one tried, plus any a decline showed would refuse the same way.
        var tried = new List<string>(capacity: 2);
        var attempts = 0;
        AttemptResult last = default;
        string? lastAccountId = null;
        var choice = PoolChoice.For(request.Snapshot, request.Key, request.Shape.Name);
        var filter = AccountFilter.For(request.Shape.Name, request.Key.Policy);
        var pool = choice.Pool;
        var reachedUpstream = false;

        // Live settings come with the snapshot: a PATCH /api/settings applies to the next request.
        var forwarding = request.Snapshot.Forwarding;
        for (var attempt = 1; attempt <= forwarding.MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var selection = scheduler.Select(request.Snapshot, pool, filter, request.Model, request.SessionKey, tried, metered ? request.Estimate : UsageEstimate.None, now);
            if (selection.Account is null && choice.Fallback is { } fallback && pool != fallback)
            {
                // The dedicated account cannot serve; this key may use its pool instead.
                pool = fallback;
                selection = scheduler.Select(request.Snapshot, pool, filter, request.Model, request.SessionKey, tried, metered ? request.Estimate : UsageEstimate.None, now);
            }

            if (selection.Account is not { } account)
            {
                return await RefuseNoAccountAsync(request, choice, pool, filter, selection, last, lastAccountId, attempts, reachedUpstream).ConfigureAwait(false);
            }

            tried.Add(account.Id);
            attempts++;
            lastAccountId = account.Id;
            request.GroupId = pool.GroupId;
            AttemptResult result;
            try
            {
                result = await forwarder.SendAsync(request, account).ConfigureAwait(false);
            }
            catch
            {
                state.Refund(selection.Reservation!, includeRequests: false);
                throw;
            }
            finally
            {
                state.Release(account.Id);
            }

            reachedUpstream |= result.UpstreamStatus != 0 || result.Committed;
            last = result;
            AccountHealthReport.Apply(state, account, result, time.GetUtcNow());
            if (result.Failure is { } kind)
            {
                Log.AttemptFailed(logger, account.Id, kind, result.Reason ?? string.Empty, result.Committed);
            }
            else if (result.DeclinedBody is not null)
            {
                Log.AttemptDeclined(logger, account.Id, result.Reason ?? string.Empty);
                SkipSameSignIns(request.Snapshot, account, tried);
            }

            var cost = CostOf(request, account, result);
            if (result.Committed || result.ClientGone)
            {
                SettleAccount(request, selection.Reservation!, result, cost);
                if (request.SessionKey is { } session && result.Failure is null && !result.ClientGone)
                {
                    state.SetSticky(session, account.Id, forwarding.StickyTtl, time.GetUtcNow());
                }

                return new Outcome(account, result, attempts) { Cost = cost, ReachedUpstream = reachedUpstream };
            }

            // Failing over: this account served nothing; its request count stays (the attempt reached it).
            state.Refund(selection.Reservation!, includeRequests: result.UpstreamStatus == 0);
        }

        // Every attempt failed over and the budget of attempts is spent.
        return await RefuseNoAccountAsync(request, choice, pool, filter, AccountSelection.None(NoAccountReason.AllTried, default), last, lastAccountId, attempts, reachedUpstream).ConfigureAwait(false);
    }

    /// <summary>
    /// A sign-in declined the request for what it is (a Claude sign-in serves only Claude Code): every other account
    /// signed in at the same provider would decline it too, so none of them is asked — one refused call, not one per
    /// subscription. Runs only after a decline, so walking the snapshot's accounts is fine.
    /// </summary>
    private static void SkipSameSignIns(RelaySnapshot snapshot, AccountEntry declined, List<string> tried)
    {
        var provider = declined.Record.OAuthProvider;
        foreach (var other in snapshot.AccountsById.Values)
        {
            if (other.IsOAuth && string.Equals(other.Record.OAuthProvider, provider, StringComparison.OrdinalIgnoreCase) && !tried.Contains(other.Id))
            {
                tried.Add(other.Id);
            }
        }
    }

    private void SettleAccount(RelayRequest request, ReservationHandle reservation, AttemptResult result, decimal cost)
    {
        if (result.Usage.Total > 0 || cost > 0)
        {
            state.Settle(reservation, result.Usage.Total, cost, request.Snapshot.Calendar, time.GetUtcNow());
        }
        else
        {
            state.Refund(reservation, includeRequests: result.UpstreamStatus == 0 && !result.Committed);
        }
    }

    private static decimal CostOf(RelayRequest request, AccountEntry account, AttemptResult result)
    {
        var upstreamModel = result.UpstreamModel ?? (request.Model is { } m ? account.MapModel(m) : null);
        return request.Snapshot.Prices.Cost(upstreamModel, result.Usage);
    }

    private void Record(RelayRequest request, Outcome outcome)
    {
        var result = outcome.Result;
        var upstreamModel = result.UpstreamModel ?? (request.Model is { } m && outcome.Account is { } a ? a.MapModel(m) : request.Model);
        usage.Record(new UsageEvent
        {
            Timestamp = time.GetUtcNow(),
            KeyId = request.Key.Id,
            AccountId = outcome.Account?.Id,
            GroupId = outcome.Account is null ? null : request.GroupId,
            Platform = outcome.Account?.Platform ?? Platforms.Anthropic,
            RequestedModel = request.Model,
            UpstreamModel = upstreamModel,
            Tokens = result.Usage,
            Cost = outcome.Account is null ? 0m : outcome.Cost,
            Status = result.ClientGone && !result.Committed ? 499 : result.ClientStatus,
            ErrorClass = result.ErrorClass,
            LatencyMs = request.ElapsedMs,
            FirstByteMs = result.FirstByteMs,
            Stream = request.Stream,
            Attempts = outcome.Attempts,
            Content = request.Capture?.ToContent(request.Body is { } body ? body.Span : default),
        });
    }

    /// <param name="Account">The account that answered (or was tried last); null when none was.</param>
    private readonly record struct Outcome(AccountEntry? Account, AttemptResult Result, int Attempts)
    {
        /// <summary>What the answer cost, priced by the model the upstream reported.</summary>
        public decimal Cost { get; init; }

        /// <summary>Some attempt reached an upstream: the request counts against request rates even if it failed.</summary>
        public bool ReachedUpstream { get; init; }
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Warning, "Account {AccountId} failed ({Kind}): {Reason}; committed to client: {Committed}")]
        public static partial void AttemptFailed(ILogger logger, string accountId, FailureKind kind, string reason, bool committed);

        [LoggerMessage(2002, LogLevel.Information, "Account {AccountId} declined the request ({Reason}); trying the next account")]
        public static partial void AttemptDeclined(ILogger logger, string accountId, string reason);
    }
}
