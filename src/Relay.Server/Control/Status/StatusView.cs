namespace Relay.Server.Control.Status;

/// <summary>The answer of <c>GET /api/status</c>: what the server is doing right now.</summary>
internal sealed record StatusView(string Version, DateTimeOffset StartedAt, int InFlight, AccountCounts Accounts, UsageQueueView UsageQueue);

/// <summary>Accounts by the state their view shows (<c>status.state</c>); the states add up to <see cref="Total"/>.</summary>
internal sealed record AccountCounts(int Total, int Active, int Cooling, int Error, int Disabled);

/// <summary>
/// Usage events accepted but not yet written, those lost since start because the queue was full or the store failed,
/// and logged contents not stored because the queue's content budget was spent (their events were recorded).
/// </summary>
internal sealed record UsageQueueView(int Pending, long Dropped, long ContentDropped);
