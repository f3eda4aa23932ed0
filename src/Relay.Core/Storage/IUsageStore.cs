using Relay.Core.Usage;

namespace Relay.Core.Storage;

/// <summary>Append-only store of usage events plus the aggregate reads the Control API needs.</summary>
public interface IUsageStore
{
    /// <summary>Writes a batch in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default);
}
