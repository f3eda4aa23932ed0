namespace Relay.Core.Usage;

/// <summary>
/// Narrows a usage read to one key, account, group and/or model; a null member does not filter.
/// Values are compared with the strings the breakdowns show as groups: <c>""</c> selects requests
/// no account was tried for (<see cref="AccountId"/>), that used the shared pool
/// (<see cref="GroupId"/>), or whose model is unknown; <see cref="Model"/> matches the upstream
/// model, else the requested one.
/// </summary>
public sealed record UsageFilter(string? KeyId = null, string? AccountId = null, string? GroupId = null, string? Model = null)
{
    public static UsageFilter None { get; } = new();
}
