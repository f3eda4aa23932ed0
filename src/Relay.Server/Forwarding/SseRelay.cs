using System.Buffers;
using Relay.Core.State;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Sse;
using Relay.Server.Inference;

namespace Relay.Server.Forwarding;

/// <summary>
/// Relays an upstream Anthropic event stream to the client event by event, byte for byte, while a
/// side observer reads usage and errors from the same bytes.
/// Before the first event has been seen nothing is sent, so an error-first stream or a silent
/// upstream can still fail over. After that, any failure ends the client's stream with an
/// Anthropic <c>error</c> event — never a clean close that looks like a complete answer.
/// </summary>
internal static class SseRelay
{
    private const int ReadBufferSize = 16 * 1024;

    public static async Task<AttemptResult> RelayAsync(RelayRequest request, HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan idle)
    {
        var clientAborted = request.Http.RequestAborted;
        var status = (int)response.StatusCode;
        using var splitter = new SseEventSplitter();
        using var scanner = new SseEventScanner();
        var observer = new MessagesStreamObserver();
        var committed = false;
        int? firstByteMs = null;

        AttemptResult Result(string? errorClass, FailureKind? failure = null, string? reason = null, bool clientGone = false) => new()
        {
            Committed = committed,
            ClientGone = clientGone,
            Failure = failure,
            Reason = reason,
            UpstreamStatus = status,
            ClientStatus = status,
            Usage = observer.Usage,
            UpstreamModel = observer.Model,
            FirstByteMs = firstByteMs,
            ErrorClass = errorClass,
        };

        try
        {
            var upstream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            while (true)
            {
                // Zero-byte read first: an idle stream waits without holding a buffer (YARP's StreamCopier does the same).
                await upstream.ReadAsync(Memory<byte>.Empty, timeout.Token).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
                int read;
                try
                {
                    read = await upstream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false);
                    if (read > 0 && (!scanner.Feed(buffer.AsSpan(0, read), observer) || !splitter.Append(buffer.AsSpan(0, read))))
                    {
                        return await FailAsync(request, committed, Result(ErrorClasses.UpstreamError, FailureKind.ServerError, "upstream sent an oversized event")).ConfigureAwait(false);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                if (read == 0)
                {
                    break;
                }

                if (!committed)
                {
                    if (observer.EventCount == 0)
                    {
                        continue;
                    }

                    if (observer.FirstEventWasError)
                    {
                        var kind = observer.ErrorType switch
                        {
                            "overloaded_error" => FailureKind.Overloaded,
                            "rate_limit_error" => FailureKind.RateLimited,
                            _ => FailureKind.StreamError,
                        };
                        return Result(ErrorClasses.For(kind), kind, $"upstream stream began with {observer.ErrorType ?? "an error"}") with { Committed = false };
                    }

                    ResponseHeaders.Copy(response, request.Http.Response, stream: true);
                    committed = true;
                    firstByteMs = request.ElapsedMs;
                }

                if (splitter.Ready.Length > 0)
                {
                    await request.Http.Response.BodyWriter.WriteAsync(splitter.Ready, clientAborted).ConfigureAwait(false);
                    splitter.ConsumeReady();
                }

                // From here on the clock measures silence between reads, not the whole answer.
                timeout.CancelAfter(idle);
            }
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return Result(ErrorClasses.ClientClosed, clientGone: true);
        }
        catch (OperationCanceledException)
        {
            var reason = committed ? "upstream stream went silent" : "no event from upstream in time";
            return await FailAsync(request, committed, Result(committed ? ErrorClasses.IdleTimeout : ErrorClasses.Network, FailureKind.Network, reason)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return await FailAsync(request, committed, Result(ErrorClasses.UpstreamCut, FailureKind.Network, "upstream stream was cut")).ConfigureAwait(false);
        }

        if (!committed)
        {
            return Result(ErrorClasses.Network, FailureKind.Network, "upstream closed the stream before any event");
        }

        if (!observer.SawMessageStop)
        {
            return await FailAsync(request, committed, Result(ErrorClasses.UpstreamCut, FailureKind.Network, "upstream stream ended before message_stop")).ConfigureAwait(false);
        }

        return Result(null);
    }

    /// <summary>Before commit: report for failover. After commit: end the client's stream with an error event in its format.</summary>
    private static async Task<AttemptResult> FailAsync(RelayRequest request, bool committed, AttemptResult result)
    {
        if (!committed)
        {
            return result;
        }

        try
        {
            var message = result.ErrorClass == ErrorClasses.IdleTimeout
                ? "The upstream stream stalled and was ended by the relay."
                : "The upstream stream ended unexpectedly; the answer is incomplete.";
            await request.Http.Response.BodyWriter.WriteAsync(AnthropicErrors.StreamErrorEvent("api_error", message), request.Http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return result with { ClientGone = true };
        }

        return result;
    }
}
