using Relay.Core.Accounts;
using Relay.Core.Admission;
using Relay.Core.Scheduling;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Server.Forwarding;

namespace Relay.Server.Inference;

/// <summary>
/// The answers Relay gives itself when it cannot or may not forward: admission refusals (policy, limits,
/// concurrency) and "no account could serve". Always in the client's own error shape, with
/// <c>retry-after</c> when waiting helps, and recorded as a usage event.
/// </summary>
internal sealed partial class InferenceProxy
{
    /// <summary>Admission said no: answer in Anthropic's shape and record the refusal (no content, no account).</summary>
    private async Task RefuseAsync(RelayRequest request, Refusal refusal)
    {
        var (status, type) = AnthropicRefusals.StatusAndType(refusal.Kind);
        await request.Shape.WriteErrorAsync(request, status, type, refusal.Message, refusal.RetryAfter).ConfigureAwait(false);
        Record(request, new Outcome(null, new AttemptResult { Committed = true, ClientStatus = status, ErrorClass = refusal.ErrorClass }, 0));
    }

    /// <summary>No account answered: tell the client in Anthropic's shape, with when to retry.</summary>
    private async Task<Outcome> RefuseNoAccountAsync(
        RelayRequest request, PoolChoice choice, AccountPool pool, AccountFilter filter, AccountSelection selection, AttemptResult last, string? lastAccountId, int attempts, bool reachedUpstream)
    {
        if (last.DeclinedBody is { } declined && selection.Reason == NoAccountReason.AllTried)
        {
            return await AnswerDeclinedAsync(request, last, declined, lastAccountId, attempts, reachedUpstream).ConfigureAwait(false);
        }

        var recovery = selection.RetryAfter is null ? scheduler.EarliestRecovery(pool, filter, request.Model, time.GetUtcNow()) : selection.Recovery;
        var retryAfter = recovery.After;
        int status;
        string message;
        string type;
        if (choice.DedicatedAccountId is { } dedicated && pool != choice.Fallback && attempts == 0 && selection.Reason != NoAccountReason.ModelNotServed)
        {
            var why = request.Snapshot.AccountsById.TryGetValue(dedicated, out var a) ? DedicatedStatus(a, recovery) : "it no longer exists";
            (status, type) = AnthropicRefusals.StatusAndType(RefusalKind.DedicatedAccountUnavailable);
            message = $"The account dedicated to this key is unavailable ({why}), and this key may not use the shared pool.";
        }
        else if (selection.Reason == NoAccountReason.AccountLimits)
        {
            status = StatusCodes.Status429TooManyRequests;
            type = "rate_limit_error";
            message = "The upstream accounts for this request have reached their relay-side limits.";
        }
        else if (selection.Reason == NoAccountReason.ModelNotServed && filter.AllowedPlatforms.Count > 0
            && pool.Accounts.Any(a => a.IsUsable && filter.AnyPlatform.Allows(a) && (request.Model is null || a.Serves(request.Model))))
        {
            // Accounts of other platforms would serve it: the key's policy is what stands in the way.
            status = StatusCodes.Status403Forbidden;
            type = "permission_error";
            message = $"This key may use only the {string.Join(", ", filter.AllowedPlatforms)} platform(s), and no account of them serves the model '{request.Model}'.";
            retryAfter = null;
        }
        else if (selection.Reason == NoAccountReason.ModelNotServed)
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

        await request.Shape.WriteErrorAsync(request, status, type, message, retryAfter).ConfigureAwait(false);
        var result = last with { Committed = true, ClientStatus = status, ErrorClass = last.ErrorClass ?? ErrorClasses.NoAccount };
        var account = lastAccountId is not null && request.Snapshot.AccountsById.TryGetValue(lastAccountId, out var la) ? la : null;
        return new Outcome(account, result, attempts) { ReachedUpstream = reachedUpstream };
    }

    /// <summary>
    /// Every account was tried and the last one declined the request (a subscription that serves only its own client, or
    /// only streams): the client gets that answer, already in its format, as if no other account had been asked.
    /// </summary>
    private async Task<Outcome> AnswerDeclinedAsync(RelayRequest request, AttemptResult last, byte[] body, string? lastAccountId, int attempts, bool reachedUpstream)
    {
        // The upstream's status: a decline is its refusal, restated in the client's format.
        var status = last.UpstreamStatus;
        var http = request.Http.Response;
        http.StatusCode = status;
        http.ContentType = "application/json";
        http.ContentLength = body.Length;
        request.Capture?.Append(body);
        var result = last with { Committed = true, ClientStatus = status };
        try
        {
            await http.Body.WriteAsync(body, request.Http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            result = result with { ClientGone = true, ErrorClass = ErrorClasses.ClientClosed };
        }

        var account = lastAccountId is not null && request.Snapshot.AccountsById.TryGetValue(lastAccountId, out var a) ? a : null;
        return new Outcome(account, result, attempts) { ReachedUpstream = reachedUpstream };
    }

    private static string DedicatedStatus(AccountEntry account, Recovery recovery) =>
        !account.Enabled ? "disabled"
        : account.UnusableReason is not null ? "its credential cannot be read"
        : recovery.Kind is not null ? "cooling down after upstream errors"
        : recovery.After is null ? "in error; the operator must reset it"
        : "busy at its concurrency limit";
}
