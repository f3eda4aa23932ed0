namespace Relay.Server.Inference.Shapes;

/// <summary>
/// The wire format a client speaks (Anthropic Messages, OpenAI Chat Completions, OpenAI Responses): how its
/// request head is read and how Relay's own errors are written to it. Errors are described once, in Anthropic's
/// vocabulary of types (<c>rate_limit_error</c>, <c>billing_error</c>, …), and each shape renders them in its own
/// body format with the same status and <c>retry-after</c>, so every client learns the same thing the same way.
/// </summary>
internal abstract class ClientShape
{
    /// <summary>One of <see cref="Core.Accounts.WireShapes"/>: an account serving this shape takes the request unchanged.</summary>
    public abstract string Name { get; }

    /// <summary>Reads model, stream flag, model token position and conversation key into <paramref name="request"/>.</summary>
    /// <returns>false with a client-safe message when the body is not a valid request of this shape.</returns>
    public abstract bool TryReadHead(RelayRequest request, ReadOnlySpan<byte> body, out string? error);

    /// <summary>Writes one of Relay's own errors (never an upstream's) in this shape.</summary>
    /// <param name="type">An Anthropic error type, e.g. <c>rate_limit_error</c>; shapes translate it.</param>
    /// <param name="param">The request field at fault, for shapes that report it (OpenAI's <c>param</c>).</param>
    public Task WriteErrorAsync(HttpContext context, int status, string type, string message, TimeSpan? retryAfter = null, string? param = null) =>
        WriteJsonAsync(context, status, ErrorBody(type, message, param), retryAfter);

    /// <summary>Like <see cref="WriteErrorAsync(HttpContext, int, string, string, TimeSpan?, string?)"/> for an inference request: the body also goes to its content capture, if any.</summary>
    public Task WriteErrorAsync(RelayRequest request, int status, string type, string message, TimeSpan? retryAfter = null, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = ErrorBody(type, message, param);
        request.Capture?.Append(body);
        return WriteJsonAsync(request.Http, status, body, retryAfter);
    }

    /// <summary>The JSON body of one of Relay's own errors in this shape.</summary>
    protected abstract byte[] ErrorBody(string type, string message, string? param);

    /// <summary>Sets the status and <c>retry-after</c> and writes a JSON body.</summary>
    protected static Task WriteJsonAsync(HttpContext context, int status, byte[] body, TimeSpan? retryAfter)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is { } wait)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
