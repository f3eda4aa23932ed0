using Relay.Core.Keys;
using Relay.Core.Limits;
using Relay.Core.Policies;

namespace Relay.Core.Snapshots;

/// <summary>
/// A relay key as the request path sees it, with its shared policy resolved and its limits precompiled, so
/// admission reads only this object and the hot state. Found by the hash of the presented key.
/// </summary>
public sealed class KeyEntry
{
    public KeyEntry(RelayKeyRecord record, PolicyRecord? sharedPolicy = null)
    {
        Record = record;
        SharedPolicy = sharedPolicy;
        PolicyMissing = record.PolicyId is not null && sharedPolicy is null;
        Policy = sharedPolicy?.Policy ?? record.Policy ?? KeyPolicy.Unrestricted;
        Scope = LimitScopes.Key(record.Id);

        // The key's own rules and its shared policy's rules all apply; on the same meter and window the
        // ledger checks both maxima against one counter, so the tighter one decides.
        IReadOnlyList<LimitRule> all = sharedPolicy is null ? record.Limits : [.. record.Limits, .. sharedPolicy.Limits];
        Limits = all;
        WindowRules = [.. all.Where(r => r.Meter != LimitMeter.Concurrency)];
        Concurrency = all.Where(r => r.Meter == LimitMeter.Concurrency).MinBy(r => r.Max);
        NeedsUsageEstimate = WindowRules.Any(r => r.Meter is LimitMeter.Tokens or LimitMeter.Cost);
    }

    public RelayKeyRecord Record { get; }
    public string Id => Record.Id;
    public string Name => Record.Name;

    /// <summary>The shared policy the key points at, if any.</summary>
    public PolicyRecord? SharedPolicy { get; }

    /// <summary>True when the key points at a shared policy that no longer exists: it is refused rather than let through unrestricted.</summary>
    public bool PolicyMissing { get; }

    /// <summary>What the key may reach: its shared policy, else its inline policy, else no restriction.</summary>
    public KeyPolicy Policy { get; }

    /// <summary>The hot-state scope of the key's counters and concurrency slots.</summary>
    public string Scope { get; }

    /// <summary>Every rule that applies (own and shared policy's), in that order.</summary>
    public IReadOnlyList<LimitRule> Limits { get; }

    /// <summary>Requests, tokens and cost rules, checked in one reservation.</summary>
    public LimitRule[] WindowRules { get; }

    /// <summary>The tightest concurrency rule, if any (its queue applies).</summary>
    public LimitRule? Concurrency { get; }

    /// <summary>True when admission must estimate the request's tokens and cost to reserve them.</summary>
    public bool NeedsUsageEstimate { get; }

    /// <summary>When the key expires, given when it was first used (null while unused), or null if never.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset? firstUsedAt) => Record.Expiry.ExpiresAt(Record.FirstUsedAt ?? firstUsedAt);

    /// <summary>Why this key may not be used right now, or null when it may.</summary>
    /// <param name="firstUsedAt">First use known to this process but not yet in the snapshot.</param>
    public string? RefusalReason(DateTimeOffset now, DateTimeOffset? firstUsedAt = null)
    {
        if (!Record.Enabled)
        {
            return "This API key has been disabled.";
        }

        if (ExpiresAt(firstUsedAt) is { } expires && expires <= now)
        {
            return "This API key has expired.";
        }

        return null;
    }
}
