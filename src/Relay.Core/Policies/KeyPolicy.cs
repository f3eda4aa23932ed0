namespace Relay.Core.Policies;

/// <summary>Model name patterns (globs, see <see cref="Snapshots.Glob"/>). Deny wins over allow; an empty allow list allows all.</summary>
public sealed record ModelRules(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny)
{
    public static ModelRules Any { get; } = new([], []);
}

/// <summary>
/// What a key may reach. Empty lists mean "no restriction". <see cref="Group"/> or <see cref="Account"/> bind the
/// key to a pool or one dedicated account; with <see cref="FallbackToPool"/> a down dedicated account falls back
/// to the shared pool instead of refusing.
/// </summary>
public sealed record KeyPolicy(
    IReadOnlyList<string> Platforms,
    ModelRules Models,
    IReadOnlyList<string> Clients,
    string? Group = null,
    string? Account = null,
    bool FallbackToPool = false)
{
    public static KeyPolicy Unrestricted { get; } = new([], ModelRules.Any, []);
}
