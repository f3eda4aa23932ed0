using System.Text.Json;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// Watches an Anthropic Messages SSE stream as it is relayed and records usage, model, stop reason and errors.
/// Only message_start, message_delta and error are parsed; everything else is counted by name and dropped.
/// A malformed event is ignored rather than thrown: observing must never break the relay.
/// </summary>
public sealed class MessagesStreamObserver : ISseEventSink
{
    private UsageFields _usage;

    /// <summary>Usage so far: message_start's counts, overridden field by field by message_delta (whose output_tokens is cumulative).</summary>
    public TokenUsage Usage => _usage.ToTokenUsage();

    /// <summary>message_start.message.model: the model that actually served the request.</summary>
    public string? Model { get; private set; }

    public int EventCount { get; private set; }

    public bool SawMessageStart { get; private set; }

    public bool SawMessageStop { get; private set; }

    /// <summary>The very first event was an error: nothing useful was produced, so the caller may fail over.</summary>
    public bool FirstEventWasError { get; private set; }

    public string? ErrorType { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>message_delta.delta.stop_reason, e.g. end_turn, tool_use, max_tokens.</summary>
    public string? StopReason { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var kind = StreamEventKinds.Of(eventName, data);
        if (EventCount == 0 && kind == StreamEventKind.Error)
        {
            FirstEventWasError = true;
        }

        EventCount++;
        try
        {
            switch (kind)
            {
                case StreamEventKind.MessageStart:
                    SawMessageStart = true;
                    ReadMessageStart(data);
                    break;
                case StreamEventKind.MessageDelta:
                    ReadMessageDelta(data);
                    break;
                case StreamEventKind.MessageStop:
                    SawMessageStop = true;
                    break;
                case StreamEventKind.Error:
                    ReadError(data);
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Keep what was recorded so far; the relay decides on stream health from SawMessageStop and errors.
        }
    }

    private void ReadMessageStart(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isMessage = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (isMessage && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadMessage(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadMessage(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    Model = reader.GetString();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                UsageFields.Read(ref reader, ref _usage);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadMessageDelta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                UsageFields.Read(ref reader, ref _usage);
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                ReadDelta(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadDelta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isStopReason = reader.ValueTextEquals("stop_reason"u8);
            reader.Read();
            if (isStopReason && reader.TokenType == JsonTokenType.String)
            {
                StopReason = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private void ReadError(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject
            && ErrorFields.Read(ref reader, out var type, out var message))
        {
            ErrorType = type;
            ErrorMessage = message;
        }
    }
}
