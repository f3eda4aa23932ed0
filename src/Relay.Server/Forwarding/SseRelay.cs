using System.Buffers;
using Relay.Core.State;
using Relay.Protocols.Anthropic;
using Relay.Protocols.Sse;
using Relay.Server.Forwarding.Exchanges;
using Relay.Server.Inference;

namespace Relay.Server.Forwarding;

/// <summary>
/// Relays an upstream event stream to the client event by event while a side observer reads usage and errors
/// from the same bytes: byte for byte when the client speaks the upstream's shape, through the exchange's filter
/// or translator otherwise (see <see cref="StreamExchange"/>).
/// Before the first event has been seen nothing is sent, so an error-first stream or a silent
/// upstream can still fail over. After that, any failure ends the client's stream with an
/// error in the client's format — never a clean close that looks like a complete answer.
/// </summary>
internal static class SseRelay
{
    private const int ReadBufferSize = 16 * 1024;

    public static async Task<AttemptResult> RelayAsync(RelayRequest request, StreamExchange exchange, HttpResponseMessage response, CancellationTokenSource timeout, TimeSpan idle)
    {
        var clientAborted = request.Http.RequestAborted;
        var status = (int)response.StatusCode;
        using var splitter = new SseEventSplitter();
        using var scanner = new SseEventScanner();
        var observer = exchange.Observer;
        var raw = exchange.PassesRawBytes;
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
                    if (read > 0 && (!scanner.Feed(buffer.AsSpan(0, read), exchange) || (raw && !splitter.Append(buffer.AsSpan(0, read)))))
                    {
                        return await FailAsync(request, exchange, committed, Result(ErrorClasses.UpstreamError, FailureKind.ServerError, "upstream sent an oversized event")).ConfigureAwait(false);
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

                if (raw && splitter.Ready.Length > 0)
                {
                    request.Capture?.Append(splitter.Ready.Span);
                    await request.Http.Response.BodyWriter.WriteAsync(splitter.Ready, clientAborted).ConfigureAwait(false);
                    splitter.ConsumeReady();
                }
                else if (!raw && exchange.Output.WrittenCount > 0)
                {
                    request.Capture?.Append(exchange.Output.WrittenSpan);
                    await request.Http.Response.BodyWriter.WriteAsync(exchange.Output.WrittenMemory, clientAborted).ConfigureAwait(false);
                    exchange.Output.ResetWrittenCount();
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
            return await FailAsync(request, exchange, committed, Result(committed ? ErrorClasses.IdleTimeout : ErrorClasses.Network, FailureKind.Network, reason)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return await FailAsync(request, exchange, committed, Result(ErrorClasses.UpstreamCut, FailureKind.Network, "upstream stream was cut")).ConfigureAwait(false);
        }

        if (!committed)
        {
            return Result(ErrorClasses.Network, FailureKind.Network, "upstream closed the stream before any event");
        }

        // The upstream closed: the exchange finishes the client's stream (an error event if the answer was cut).
        var endedProperly = exchange.Complete();
        if (!raw || !endedProperly)
        {
            if (await FlushAsync(request, exchange).ConfigureAwait(false) is false)
            {
                return Result(ErrorClasses.ClientClosed, clientGone: true);
            }
        }

        return endedProperly ? Result(null) : Result(ErrorClasses.UpstreamCut, FailureKind.Network, "upstream stream ended before its last event");
    }

    /// <summary>Writes what the exchange has pending; false when the client went away.</summary>
    private static async Task<bool> FlushAsync(RelayRequest request, StreamExchange exchange)
    {
        if (exchange.Output.WrittenCount == 0)
        {
            return true;
        }

        try
        {
            request.Capture?.Append(exchange.Output.WrittenSpan);
            await request.Http.Response.BodyWriter.WriteAsync(exchange.Output.WrittenMemory, request.Http.RequestAborted).ConfigureAwait(false);
            exchange.Output.ResetWrittenCount();
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>Before commit: report for failover. After commit: end the client's stream with an error event in its format.</summary>
    private static async Task<AttemptResult> FailAsync(RelayRequest request, StreamExchange exchange, bool committed, AttemptResult result)
    {
        if (!committed)
        {
            return result;
        }

        var message = result.ErrorClass == ErrorClasses.IdleTimeout
            ? "The upstream stream stalled and was ended by the relay."
            : "The upstream stream ended unexpectedly; the answer is incomplete.";
        exchange.Fail("api_error", message);
        return await FlushAsync(request, exchange).ConfigureAwait(false) ? result : result with { ClientGone = true };
    }
}
