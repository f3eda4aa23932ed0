using System.Text.Encodings.Web;
using System.Text.Json;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>Reader and writer settings shared by everything that reads or writes Responses API JSON.</summary>
internal static class ResponsesJson
{
    /// <summary>Tool schemas nest deeper than the default 64; the limit only guards the stack.</summary>
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// Relaxed escaping: these bodies are never embedded in HTML, and escaping every non-ASCII character would
    /// make prompts in other scripts several times larger on the wire. Validation is skipped only on the writer
    /// side of raw copies, never on input.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 256,
    };
}
