using Relay.Core.Snapshots;
using Relay.Core.State;

namespace Relay.Server.Forwarding;

/// <summary>
/// How one attempt's outcome changes its account's health: a failure cools it (or marks a refused credential as an
/// error) and becomes its last error; a good answer clears failures. One place, used by inference and by an
/// operator's account test, so a test affects the account exactly as a real request would.
/// </summary>
internal static class AccountHealthReport
{
    public static void Apply(IHotState state, AccountEntry account, AttemptResult result, DateTimeOffset now)
    {
        if (result.Failure is { } kind)
        {
            state.ReportFailure(account.Id, kind, result.RetryHint, result.Reason ?? kind.ToString(), now, result.UpstreamStatus, UpstreamErrorText.Describe(result, account), result.CoolUntil);
        }
        else if (result.Committed && result.ClientStatus is >= 200 and < 300)
        {
            state.ReportSuccess(account.Id);
        }
    }
}
