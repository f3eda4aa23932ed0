namespace Relay.Core.Snapshots;

/// <summary>Where the request path gets configuration from: one volatile read, no locks, no I/O.</summary>
public interface ISnapshotSource
{
    RelaySnapshot Current { get; }
}
