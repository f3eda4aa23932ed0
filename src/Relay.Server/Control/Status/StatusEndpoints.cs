using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Usage;
using Relay.Server.Control.Accounts;
using Relay.Server.Inference;

namespace Relay.Server.Control.Status;

/// <summary><c>GET /api/status</c>: version, uptime, load, account health and the usage queue, from memory only (no store read).</summary>
internal static class StatusEndpoints
{
    public static RouteGroupBuilder MapStatus(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (ServerInfo info, InFlightRequests inFlight, ISnapshotSource snapshots, IHotState hotState, UsageRecorder recorder, TimeProvider time) =>
                ControlResults.Json(new StatusView(
                    info.Version,
                    info.StartedAt,
                    inFlight.Count,
                    CountAccounts(snapshots.Current, hotState, time.GetUtcNow()),
                    new UsageQueueView(recorder.Pending, recorder.Dropped, recorder.ContentDropped))))
            .WithTags("Status")
            .WithName("GetStatus")
            .WithSummary("Live status: version, start time, requests in flight, accounts by state, and the usage write queue.")
            .Produces<StatusView>();
        return api;
    }

    private static AccountCounts CountAccounts(RelaySnapshot snapshot, IHotState hotState, DateTimeOffset now)
    {
        int active = 0, cooling = 0, error = 0, disabled = 0;
        foreach (var account in snapshot.Accounts)
        {
            // The same rule the account views use, so the counts always agree with GET /api/accounts.
            switch (AccountStatusView.StateOf(account.Record, snapshot, hotState, now))
            {
                case AccountStatusView.Cooling:
                    cooling++;
                    break;
                case AccountStatusView.Error:
                    error++;
                    break;
                case AccountStatusView.Disabled:
                    disabled++;
                    break;
                default:
                    active++;
                    break;
            }
        }

        return new AccountCounts(snapshot.Accounts.Count, active, cooling, error, disabled);
    }
}
