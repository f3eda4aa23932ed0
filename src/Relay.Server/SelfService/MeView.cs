using Relay.Core.Admission;
using Relay.Core.Usage;

namespace Relay.Server.SelfService;

/// <summary>
/// What <c>GET /api/me</c> tells a key holder about their own key. Deliberately nothing about accounts or
/// other keys: the pool is the operator's business; a key holder learns only what they may use and spend.
/// </summary>
internal sealed record MeView(
    MeKey Key,
    MePolicy Policy,
    IReadOnlyList<string> Models,
    IReadOnlyList<LimitStatus> Limits,
    MeUsage Usage);

internal sealed record MeKey(
    string Id,
    string Name,
    string Prefix,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FirstUsedAt,
    DateTimeOffset? ExpiresAt,
    MeExpiry? Expires);

internal sealed record MeExpiry(DateTimeOffset? At, string? AfterFirstUse);

/// <param name="Name">The shared policy's name, when the key uses one.</param>
/// <param name="Group">The group the key draws from, if bound to one.</param>
/// <param name="DedicatedAccount">True when the key has an account of its own (which one is not shown).</param>
internal sealed record MePolicy(
    string? Name,
    IReadOnlyList<string> Platforms,
    MeModelRules Models,
    IReadOnlyList<string> Clients,
    string? Group,
    bool DedicatedAccount,
    bool FallbackToPool);

internal sealed record MeModelRules(IReadOnlyList<string> Allow, IReadOnlyList<string> Deny);

/// <summary>Usage in the operator's calendar: today and this week (as limits count them), the last 30 days, and in total.</summary>
internal sealed record MeUsage(MeTotals Today, MeTotals ThisWeek, MeTotals Last30Days, MeTotals Total);

internal sealed record MeTotals(long Requests, long InputTokens, long OutputTokens, long CacheWriteTokens, long CacheReadTokens, decimal Cost)
{
    public static MeTotals From(UsageTotals? t) => t is null
        ? new MeTotals(0, 0, 0, 0, 0, 0)
        : new MeTotals(t.Requests, t.InputTokens, t.OutputTokens, t.CacheWrite5mTokens + t.CacheWrite1hTokens, t.CacheReadTokens, t.Cost);
}
