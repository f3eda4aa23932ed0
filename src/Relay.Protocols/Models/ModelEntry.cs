namespace Relay.Protocols.Models;

/// <summary>One model as a model list shows it, whatever the wire format.</summary>
/// <param name="Id">The name a client sends as <c>model</c>.</param>
/// <param name="CreatedAt">Anthropic's <c>created_at</c>, OpenAI's <c>created</c>.</param>
/// <param name="OwnedBy">OpenAI's <c>owned_by</c>.</param>
public readonly record struct ModelEntry(string Id, DateTimeOffset CreatedAt, string OwnedBy)
{
    /// <summary>
    /// The time written for <see cref="CreatedAt"/>: never before the Unix epoch, which Anthropic documents as the
    /// value for "release date unknown" (a record without a creation time would otherwise give year 1).
    /// </summary>
    public DateTimeOffset CreatedAtOrEpoch => CreatedAt < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : CreatedAt;
}
