using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Core.Storage;

namespace Relay.Core.Usage;

/// <summary>
/// Takes usage events off the request path: <see cref="Record"/> never blocks or does I/O; a
/// background loop writes batches to the usage store. The queue is bounded; when full, events are
/// dropped, counted and logged rather than holding requests or growing memory. On shutdown the
/// queue is drained before the process exits. Logged content (<see cref="UsageEvent.Content"/>) waiting in the queue
/// is held to a byte budget: over it, the event is still recorded but without its content, and
/// <see cref="ContentDropped"/> counts it.
/// </summary>
public sealed partial class UsageRecorder : BackgroundService
{
    private const int BatchSize = 500;

    /// <summary>Default most bytes of logged content held in the queue at once.</summary>
    public const long DefaultContentBudgetBytes = 64L * 1024 * 1024;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(5);
    private readonly Channel<UsageEvent> _queue;
    private readonly IUsageStore _store;
    private readonly ILogger<UsageRecorder> _logger;
    private long _dropped;
    private long _written;
    private long _lastDropLogTicks;
    private readonly long _contentBudget;
    private long _contentBytes;
    private long _contentDropped;
    private long _lastContentDropLogTicks;

    // 1 while a batch taken off the queue is being written; lets FlushAsync see events in transit.
    private int _batchInFlight;
    private int _stopping;

    public UsageRecorder(IUsageStore store, int capacity, ILogger<UsageRecorder> logger, long contentBudgetBytes = DefaultContentBudgetBytes)
    {
        _store = store;
        _logger = logger;
        _contentBudget = contentBudgetBytes;
        _queue = Channel.CreateBounded<UsageEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Events lost because the queue was full or the store kept failing.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events accepted but not yet written.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Logged contents not stored because the queue's content budget was spent (their events were recorded).</summary>
    public long ContentDropped => Interlocked.Read(ref _contentDropped);

    /// <summary>Bytes of logged content waiting in the queue.</summary>
    public long ContentPendingBytes => Interlocked.Read(ref _contentBytes);

    public void Record(UsageEvent usageEvent)
    {
        ArgumentNullException.ThrowIfNull(usageEvent);
        if (usageEvent.Content is { } content && !TryTakeContentBudget(content.MemoryBytes))
        {
            usageEvent = usageEvent with { Content = null };
            DropContent();
        }

        if (!_queue.Writer.TryWrite(usageEvent))
        {
            ReleaseContentBudget(usageEvent);
            Drop(1, "queue full");
        }
    }

    private bool TryTakeContentBudget(long bytes)
    {
        if (Interlocked.Add(ref _contentBytes, bytes) <= _contentBudget)
        {
            return true;
        }

        Interlocked.Add(ref _contentBytes, -bytes);
        return false;
    }

    private void ReleaseContentBudget(UsageEvent usageEvent)
    {
        if (usageEvent.Content is { } content)
        {
            Interlocked.Add(ref _contentBytes, -content.MemoryBytes);
        }
    }

    private void DropContent()
    {
        var total = Interlocked.Increment(ref _contentDropped);
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastContentDropLogTicks);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastContentDropLogTicks, now, last) == last)
        {
            Log.ContentDropped(_logger, total, _contentBudget);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Completing the writer lets the loop drain what is queued and then end on its own.
        Volatile.Write(ref _stopping, 1);
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Like <see cref="FlushAsync(CancellationToken)"/> but gives up after <paramref name="maxWait"/>: readers that
    /// want just-finished requests counted (reports, /api/me, limit seeding) wait a little, never hang on a slow store.
    /// </summary>
    /// <returns>true when everything recorded so far was written.</returns>
    public async Task<bool> TryFlushAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(maxWait);
        try
        {
            await FlushAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits until everything recorded so far is written (tests and the CLI use this).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (_queue.Reader.Count > 0 || Volatile.Read(ref _batchInFlight) != 0)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageEvent>(BatchSize);

        // Deliberately not observing stoppingToken while reading: shutdown completes the channel instead, so nothing queued is lost.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            // Let a batch form before writing: under steady traffic one commit per event costs more
            // (WAL frames for the table and each index) than the inserts themselves. Skipped when
            // a full batch is already waiting or the host is stopping.
            if (_queue.Reader.Count < BatchSize && Volatile.Read(ref _stopping) == 0)
            {
                await Task.Delay(BatchWindow).ConfigureAwait(false);
            }

            Volatile.Write(ref _batchInFlight, 1);
            try
            {
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await WriteAsync(batch).ConfigureAwait(false);

                // Written or dropped, the batch's content leaves memory now.
                foreach (var written in batch)
                {
                    ReleaseContentBudget(written);
                }

                batch.Clear();
            }
            finally
            {
                Volatile.Write(ref _batchInFlight, 0);
            }
        }
    }

    private async Task WriteAsync(List<UsageEvent> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                Log.WriteRetry(_logger, batch.Count, attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.WriteFailed(_logger, batch.Count, ex);
                Drop(batch.Count, "store failing");
                return;
            }
        }
    }

    private void Drop(int count, string why)
    {
        var total = Interlocked.Add(ref _dropped, count);

        // At most one log line per 10 s: a full queue under load must not become a log flood.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastDropLogTicks);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastDropLogTicks, now, last) == last)
        {
            Log.Dropped(_logger, count, total, why);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1021, LogLevel.Warning, "Usage write of {Count} events failed (attempt {Attempt}); retrying")]
        public static partial void WriteRetry(ILogger logger, int count, int attempt, Exception exception);

        [LoggerMessage(1022, LogLevel.Error, "Usage write of {Count} events failed; the events are dropped")]
        public static partial void WriteFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(1023, LogLevel.Warning, "Usage events dropped: {Count} now, {Total} since start ({Why})")]
        public static partial void Dropped(ILogger logger, int count, long total, string why);

        [LoggerMessage(1024, LogLevel.Warning, "Logged content not stored for {Total} requests since start: the usage queue holds its content budget of {Budget} bytes (the events are recorded)")]
        public static partial void ContentDropped(ILogger logger, long total, long budget);
    }
}
