using System.Text.Json;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>
/// Makes a streamed Chat Completions request report usage. OpenAI sends token counts in a stream only when
/// <c>stream_options.include_usage</c> is true, and many clients do not ask; without it Relay could not bill,
/// budget or rate-limit the request (pitfall 1).
/// </summary>
public static class ChatStreamOptions
{
    /// <summary>
    /// Returns the request with <c>stream_options.include_usage: true</c>. Only the bytes that must change are
    /// touched: a missing <c>stream_options</c> is appended before the root's closing brace, a missing
    /// <c>include_usage</c> is inserted first in the existing object, a <c>false</c> (or a null object) is replaced.
    /// Everything else — order, spacing, escapes — stays as sent.
    /// </summary>
    /// <param name="requestJson">A Chat Completions request body.</param>
    /// <param name="added">
    /// True when Relay changed the request, i.e. the client did not ask for usage and the extra usage-only chunk
    /// must be removed from what it sees (see <see cref="ChatStreamObserver"/>). False when the client already
    /// asked, the request is not streamed (OpenAI rejects <c>stream_options</c> there), or the body is not a JSON
    /// object; the result is then an unchanged copy.
    /// </param>
    public static byte[] EnsureIncludeUsage(ReadOnlySpan<byte> requestJson, out bool added)
    {
        added = false;
        try
        {
            var edit = FindEdit(requestJson);
            if (edit is not { } e)
            {
                return requestJson.ToArray();
            }

            added = true;
            var result = new byte[requestJson.Length - e.RemoveLength + e.Insert.Length];
            requestJson[..e.At].CopyTo(result);
            e.Insert.CopyTo(result.AsSpan(e.At));
            requestJson[(e.At + e.RemoveLength)..].CopyTo(result.AsSpan(e.At + e.Insert.Length));
            return result;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return requestJson.ToArray();
        }
    }

    private readonly record struct Edit(int At, int RemoveLength, byte[] Insert);

    private static Edit? FindEdit(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ChatJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        bool stream = false, anyProperty = false;
        Edit? optionsEdit = null;
        bool sawOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            anyProperty = true;
            if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                sawOptions = true;
                optionsEdit = EditOptions(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || !stream)
        {
            return null;
        }

        if (sawOptions)
        {
            return optionsEdit;
        }

        int end = (int)reader.TokenStartIndex;
        var insert = anyProperty ? ",\"stream_options\":{\"include_usage\":true}"u8 : "\"stream_options\":{\"include_usage\":true}"u8;
        return new Edit(end, 0, insert.ToArray());
    }

    // Reader on the stream_options value; returns null when the client already asked for usage.
    private static Edit? EditOptions(ref Utf8JsonReader reader)
    {
        int valueStart = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return new Edit(valueStart, 4, "{\"include_usage\":true}"u8.ToArray());
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Not an object: OpenAI will reject the request itself; leave it alone.
            reader.Skip();
            return null;
        }

        int afterBrace = valueStart + 1;
        bool anyProperty = false;
        Edit? edit = null;
        bool found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            anyProperty = true;
            bool isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                found = true;
                edit = reader.TokenType == JsonTokenType.True
                    ? null
                    : new Edit((int)reader.TokenStartIndex, TokenLength(ref reader), "true"u8.ToArray());
            }

            reader.Skip();
        }

        if (found)
        {
            return edit;
        }

        return new Edit(afterBrace, 0, anyProperty ? "\"include_usage\":true,"u8.ToArray() : "\"include_usage\":true"u8.ToArray());
    }

    private static int TokenLength(ref Utf8JsonReader reader)
    {
        int start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return (int)reader.BytesConsumed - start;
    }
}
