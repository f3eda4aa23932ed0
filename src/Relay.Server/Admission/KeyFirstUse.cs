using System.Collections.Concurrent;
using System.Threading.Channels;
using Relay.Core.Snapshots;
using Relay.Core.Storage;

namespace Relay.Server.Admission;

/// <summary>
/// Remembers when each key was first used, for "expires N days after first use" and for operators. The request
/// path only touches memory: the first sighting is kept here at once (so expiry is exact from the first request)
/// and written to the store in the background, once per key; the write bumps the config version, so the next
/// snapshot carries it and other nodes see it.
/// </summary>
internal sealed partial class KeyFirstUse(IConfigStore store, SnapshotManager snapshots, TimeProvider time, ILogger<KeyFirstUse> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Channel<(string KeyId, DateTimeOffset At)> _pending =
        Channel.CreateUnbounded<(string, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>First use known to this process but possibly not yet in the snapshot.</summary>
    public DateTimeOffset? Get(KeyEntry key) =>
        key.Record.FirstUsedAt ?? (_seen.TryGetValue(key.Id, out var at) ? at : null);

    /// <summary>Called for every authenticated request; does work only the first time a key is seen.</summary>
    public void Note(KeyEntry key)
    {
        if (key.Record.FirstUsedAt is null && !_seen.ContainsKey(key.Id))
        {
            var now = time.GetUtcNow();
            if (_seen.TryAdd(key.Id, now))
            {
                _pending.Writer.TryWrite((key.Id, now));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (keyId, at) in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await WriteAsync(keyId, at, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Write what is still queued: losing a first-use time would restart a trial's clock.
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        while (_pending.Reader.TryRead(out var item))
        {
            await WriteAsync(item.KeyId, item.At, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.MarkKeyFirstUsedAsync(keyId, at, cancellationToken).ConfigureAwait(false))
            {
                await snapshots.RefreshAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The in-memory time still holds for this process; the next start records a later first use.
            Log.WriteFailed(logger, keyId, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Warning, "Could not record the first use of key {KeyId}")]
        public static partial void WriteFailed(ILogger logger, string keyId, Exception exception);
    }
}
