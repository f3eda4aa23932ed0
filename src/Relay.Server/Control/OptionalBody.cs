namespace Relay.Server.Control;

/// <summary>Bodies that may be left out entirely (<c>POST …/test</c>, a generated password): none, or one read like any other.</summary>
internal static class OptionalBody
{
    /// <returns>null when the request has no body (or only whitespace); else the body read by <see cref="JsonBody"/>'s rules.</returns>
    public static async Task<Outcome<JsonBody<T>>?> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength == 0)
        {
            return null;
        }

        // These bodies are a few bytes; the cap keeps a stray upload from being buffered whole.
        const int maxBytes = 64 * 1024;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > maxBytes)
        {
            return ControlError.Invalid($"The request body is larger than {maxBytes} bytes.");
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        return JsonBody.Parse<T>(bytes);
    }
}
