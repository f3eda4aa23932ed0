using Microsoft.AspNetCore.Http.Features;
using Relay.Server.Forwarding;

namespace Relay.Server.Inference;

/// <summary>
/// Reads the inference request body once, whole: failover may send the same bytes to a second
/// account. Size and encoding problems become values the caller turns into 413/415.
/// </summary>
internal static class RequestBody
{
    public static async Task<(PooledBody? Body, BodyError Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var cap = (int)Math.Min(limit, int.MaxValue - 1);
        if (request.ContentLength is { } declared && declared > cap)
        {
            return (null, BodyError.TooLarge);
        }

        if (request.Headers.ContentEncoding is { Count: > 0 } encoding && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, BodyError.Encoded);
        }

        // Lift Kestrel's own cap to ours + 1 byte so that we, not Kestrel, decide and phrase the 413.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = (long)cap + 1;
        }

        try
        {
            var body = await PooledBody.ReadAsync(request.Body, cap, cancellationToken, request.ContentLength).ConfigureAwait(false);
            return (body, BodyError.None);
        }
        catch (InvalidDataException)
        {
            return (null, BodyError.TooLarge);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, BodyError.TooLarge);
        }
    }
}

internal enum BodyError
{
    None,
    TooLarge,
    Encoded,
}
