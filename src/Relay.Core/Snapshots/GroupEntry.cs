using Relay.Core.Groups;

namespace Relay.Core.Snapshots;

/// <summary>A group as the request path sees it: its member accounts, already in scheduling order.</summary>
public sealed class GroupEntry(GroupRecord record, AccountPool pool)
{
    public GroupRecord Record { get; } = record;
    public string Id => Record.Id;
    public string Name => Record.Name;
    public AccountPool Pool { get; } = pool;
}
