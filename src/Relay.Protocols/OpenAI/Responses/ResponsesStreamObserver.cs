using System.Text.Json;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Responses;

/// <summary>
/// Watches a Responses API stream relayed unchanged (OpenAI account, OpenAI client) and records usage, model and
/// failure. Only the terminal events are parsed — <c>response.completed</c>, <c>response.incomplete</c>,
/// <c>response.failed</c> and <c>error</c> — every other event is counted by name and dropped. A malformed event
/// is ignored rather than thrown: observing must never break the relay.
/// </summary>
public sealed class ResponsesStreamObserver : ISseEventSink
{
    /// <summary>Usage of the terminal event's response, in Relay's token classes; zero until one arrives.</summary>
    public TokenUsage Usage { get; private set; }

    /// <summary>The <c>model</c> of the terminal response (or of <c>response.created</c> until then).</summary>
    public string? Model { get; private set; }

    public int EventCount { get; private set; }

    /// <summary>A <c>response.completed</c> or <c>response.incomplete</c> arrived: the stream ended as the API intends.</summary>
    public bool SawTerminalEvent { get; private set; }

    /// <summary><c>response.incomplete</c> (e.g. <c>max_output_tokens</c> reached); usage is still billed.</summary>
    public bool Incomplete { get; private set; }

    /// <summary><c>response.failed</c> or <c>error</c> arrived.</summary>
    public bool Failed { get; private set; }

    /// <summary>The very first event was a failure: nothing useful was produced, so the caller may fail over.</summary>
    public bool FirstEventWasError { get; private set; }

    /// <summary>The failure's <c>code</c> (e.g. <c>rate_limit_exceeded</c>, <c>server_error</c>), when given.</summary>
    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var kind = ResponsesEventKinds.Of(eventName, data);
        if (EventCount == 0 && kind is ResponsesEventKind.Failed or ResponsesEventKind.Error)
        {
            FirstEventWasError = true;
        }

        EventCount++;
        try
        {
            switch (kind)
            {
                case ResponsesEventKind.Created:
                    ReadResponse(data, terminal: false);
                    break;
                case ResponsesEventKind.Completed:
                    SawTerminalEvent = true;
                    ReadResponse(data, terminal: true);
                    break;
                case ResponsesEventKind.Incomplete:
                    SawTerminalEvent = true;
                    Incomplete = true;
                    ReadResponse(data, terminal: true);
                    break;
                case ResponsesEventKind.Failed:
                    Failed = true;
                    ReadResponse(data, terminal: true);
                    break;
                case ResponsesEventKind.Error:
                    Failed = true;
                    ReadErrorEvent(data);
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Keep what was recorded so far.
        }
    }

    private void ReadResponse(ReadOnlySpan<byte> data, bool terminal)
    {
        var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isResponse = reader.ValueTextEquals("response"u8);
            reader.Read();
            if (isResponse && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadResponseObject(ref reader, terminal);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadResponseObject(ref Utf8JsonReader reader, bool terminal)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                Model = reader.TokenType == JsonTokenType.String ? reader.GetString() : Model;
                reader.Skip();
            }
            else if (terminal && reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (ResponsesUsageFields.Read(ref reader, out var usage))
                {
                    Usage = usage;
                }
            }
            else if (terminal && reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadError(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>The top-level <c>error</c> event: <c>{"type":"error","code":…,"message":…}</c>.</summary>
    private void ReadErrorEvent(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, ResponsesJson.ReaderOptions);
        if (reader.Read())
        {
            ReadError(ref reader);
        }
    }

    /// <summary>An error object with <c>code</c> and <c>message</c>; a nested <c>error</c> object is read too.</summary>
    private void ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                ErrorCode = reader.TokenType == JsonTokenType.String ? reader.GetString() : ErrorCode;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ErrorMessage = reader.TokenType == JsonTokenType.String ? reader.GetString() : ErrorMessage;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadError(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }
}
