using Microsoft.Extensions.Logging.Abstractions;
using Relay.Core.Storage;
using Relay.Core.Usage;

namespace Relay.Core.Tests.Usage;

public sealed class UsageRecorderContentBudgetTests
{
    private static UsageEvent Event(int contentBytes) => new()
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        KeyId = "key_1",
        Platform = "anthropic",
        Content = new UsageContent(new byte[contentBytes / 2], contentBytes / 2, new byte[contentBytes / 2], contentBytes / 2),
    };

    [Fact]
    public async Task Over_the_budget_the_event_is_kept_without_its_content_and_counted()
    {
        var store = new CollectingStore();
        var recorder = new UsageRecorder(store, capacity: 100, NullLogger<UsageRecorder>.Instance, contentBudgetBytes: 100);

        // Not started yet: everything stays queued, so the budget fills.
        recorder.Record(Event(60));
        recorder.Record(Event(60));
        recorder.Record(Event(40));
        Assert.Equal(1, recorder.ContentDropped);
        Assert.Equal(100, recorder.ContentPendingBytes);
        Assert.Equal(3, recorder.Pending);

        await recorder.StartAsync(CancellationToken.None);
        await recorder.FlushAsync();
        Assert.Equal(0, recorder.ContentPendingBytes);
        Assert.Equal([true, false, true], store.Events.Select(e => e.Content is not null));
        Assert.Equal(0, recorder.Dropped);

        // Written content frees the budget for new requests.
        recorder.Record(Event(100));
        await recorder.FlushAsync();
        Assert.NotNull(store.Events[^1].Content);
        Assert.Equal(1, recorder.ContentDropped);
        await recorder.StopAsync(CancellationToken.None);
    }

    private sealed class CollectingStore : IUsageStore
    {
        public List<UsageEvent> Events { get; } = [];

        public Task AppendAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default)
        {
            lock (Events)
            {
                Events.AddRange(events);
            }

            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<UsageTotals>> QueryTotalsAsync(UsageQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<UsageSeriesPoint>> QuerySeriesAsync(UsageSeriesQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<UsageTotals> SumAsync(UsageFilter filter, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<StoredUsageEvent>> ListEventsAsync(UsageEventQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<UsageContent?> GetContentAsync(long eventId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> DeleteContentBeforeAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<long> DeleteAllContentAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
