using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>JSON settings the Chat helpers and translators share (kept in this folder so the Responses work does not collide with it).</summary>
internal static class ChatJson
{
    // Bodies go to APIs, never into HTML: the relaxed encoder keeps non-ASCII text and '+' in signatures as they
    // were instead of \u-escaping them (same meaning, fewer bytes, readable in logs).
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Tool schemas nest deeper than the default 64.
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };
}
