using System.Buffers;
using Relay.Core.State;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Server.Forwarding;

/// <summary>
/// A non-streamed request on an account whose backend answers only streams (ChatGPT's Codex backend): the upstream's
/// Responses stream, read with the stream's timeouts (first byte, then idle between reads) into a
/// <see cref="ResponsesStreamGatherer"/>. Nothing has reached the client yet, so every way this can go wrong is an
/// ordinary failover, as for a non-streamed body that fails half-way.
/// </summary>
internal static class GatheredStream
{
    private const int ReadBufferSize = 16 * 1024;

    /// <returns>null when <paramref name="gatherer"/> holds the answer (<see cref="ResponsesStreamGatherer.Response"/>); the attempt's failure otherwise.</returns>
    public static async Task<AttemptResult?> ReadAsync(
        ResponsesStreamGatherer gatherer, HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan idle, CancellationToken clientAborted)
    {
        var status = (int)response.StatusCode;
        var started = false;
        // One buffer for the whole read, without SseRelay's zero-byte reads: only non-streamed requests on stream-only
        // accounts come here, and they hold the whole answer in memory anyway until it is complete.
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        try
        {
            var upstream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);

            // Stops at the terminal event: the answer is decided there, and a backend that keeps the connection open
            // after it must not hold the client until the idle timeout.
            while (gatherer.End == ResponsesStreamEnd.None)
            {
                var read = await upstream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (!gatherer.Feed(buffer.AsSpan(0, read)))
                {
                    return AttemptResult.Failover(FailureKind.ServerError, "upstream answer too large", status);
                }

                // From the first bytes on, the clock measures silence between reads, not the whole answer.
                started = true;
                timeout.CancelAfter(idle);
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new AttemptResult { ClientGone = true, ErrorClass = ErrorClasses.ClientClosed, UpstreamStatus = status };
        }
        catch (OperationCanceledException)
        {
            return started
                ? AttemptResult.Failover(FailureKind.Network, "upstream stream went silent", status, errorClass: ErrorClasses.IdleTimeout)
                : AttemptResult.Failover(FailureKind.Network, "no event from upstream in time", status);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return AttemptResult.Failover(FailureKind.Network, "upstream stream was cut", status, errorClass: ErrorClasses.UpstreamCut);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return gatherer.End switch
        {
            // response.incomplete is an answer, not a failure: a non-streamed call that stops at max_output_tokens (or a
            // content filter) gets 200 with status "incomplete" and its usage, and another account would stop alike.
            ResponsesStreamEnd.Completed or ResponsesStreamEnd.Incomplete when gatherer.Response is not null => null,
            ResponsesStreamEnd.Completed or ResponsesStreamEnd.Incomplete =>
                AttemptResult.Failover(FailureKind.ServerError, "upstream's final event carried no response", status),
            ResponsesStreamEnd.Failed => Failed(gatherer, status),
            _ => AttemptResult.Failover(FailureKind.Network, "upstream stream ended before response.completed", status, errorClass: ErrorClasses.UpstreamCut),
        };
    }

    /// <summary><c>response.failed</c> or <c>error</c>: the failure a non-streamed call would have answered with, by its code.</summary>
    private static AttemptResult Failed(ResponsesStreamGatherer gatherer, int status)
    {
        var kind = gatherer.ErrorCode switch
        {
            "rate_limit_exceeded" or "usage_limit_reached" => FailureKind.RateLimited,
            "server_is_overloaded" => FailureKind.Overloaded,
            _ => FailureKind.StreamError,
        };

        // The reason names only the code; the upstream's text goes to the account's last error, scrubbed there.
        return AttemptResult.Failover(kind, $"upstream stream ended with {gatherer.ErrorCode ?? "an error"}", status) with { UpstreamMessage = gatherer.ErrorMessage };
    }
}
