using System.Text;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>The answer of <c>GET /api/usage/events/{id}/content</c>: both bodies as text.</summary>
internal sealed record UsageContentView(UsageBodyView Request, UsageBodyView Response)
{
    public static UsageContentView From(UsageContent content) => new(
        UsageBodyView.From(content.Request.Span, content.RequestBytes, content.RequestTruncated),
        UsageBodyView.From(content.Response.Span, content.ResponseBytes, content.ResponseTruncated));
}

/// <param name="Text">The stored bytes as UTF-8 text; invalid sequences (a multi-byte character cut by truncation too) become U+FFFD.</param>
/// <param name="Bytes">The whole body's length, also when only its first bytes were stored.</param>
internal sealed record UsageBodyView(string Text, long Bytes, bool Truncated)
{
    public static UsageBodyView From(ReadOnlySpan<byte> stored, long bytes, bool truncated) =>
        new(Encoding.UTF8.GetString(stored), bytes, truncated);
}
