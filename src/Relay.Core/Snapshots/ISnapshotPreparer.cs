namespace Relay.Core.Snapshots;

/// <summary>Work that must finish before a freshly built snapshot goes live (it may read the stores).</summary>
public interface ISnapshotPreparer
{
    Task PrepareAsync(RelaySnapshot snapshot, CancellationToken cancellationToken);
}
