using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Relay.Core.Usage;

namespace Relay.Server.Control.Usage;

/// <summary>
/// The <c>next</c>/<c>before</c> cursor of the event log as text: base64url of <c>"&lt;unix ms&gt;.&lt;id&gt;"</c>.
/// Opaque to callers on purpose (they pass back what they were given), so its content can change without breaking them.
/// </summary>
internal static class UsageEventCursorText
{
    private const int MaxLength = 64;

    public static string Encode(UsageEventCursor cursor) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            cursor.TimestampMs.ToString(CultureInfo.InvariantCulture) + "." + cursor.Id.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string text, out UsageEventCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxLength];
        if (Base64Url.DecodeFromChars(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        var plain = Encoding.ASCII.GetString(bytes[..written]);
        var dot = plain.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(plain.AsSpan(0, dot), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ts)
            || !long.TryParse(plain.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        cursor = new UsageEventCursor(ts, id);
        return true;
    }
}
