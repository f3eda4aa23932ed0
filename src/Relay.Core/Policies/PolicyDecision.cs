namespace Relay.Core.Policies;

/// <summary>Which part of a policy refused a request (all map to 403); <see cref="None"/> when allowed.</summary>
public enum PolicyDenial
{
    None,
    Platform,
    Model,
    Client,
}

public readonly record struct PolicyDecision(PolicyDenial Denial)
{
    public bool Allowed => Denial == PolicyDenial.None;

    public static PolicyDecision Allow => default;
}
