using System.Text.Json;
using Relay.Protocols.Sse;
using Relay.Protocols.Usage;

namespace Relay.Protocols.OpenAI.Chat;

/// <summary>
/// Watches a Chat Completions stream relayed Chat → Chat: records usage, model, finish reason, errors and
/// <c>[DONE]</c>, and — when Relay added <c>stream_options.include_usage</c> on the client's behalf — marks the
/// usage-only chunk that the client did not ask for, so the server can drop it and the client sees exactly the
/// stream it would have seen direct. A malformed event is ignored rather than thrown: observing must never break
/// the relay.
/// </summary>
/// <param name="relayAddedIncludeUsage">The <c>added</c> result of <see cref="ChatStreamOptions.EnsureIncludeUsage"/>.</param>
public sealed class ChatStreamObserver(bool relayAddedIncludeUsage) : ISseEventSink
{
    private ChatUsageFields _usage;

    /// <summary>Usage from the last chunk that carried a <c>usage</c> object.</summary>
    public TokenUsage Usage => _usage.ToTokenUsage();

    /// <summary>True once any chunk carried a usage object.</summary>
    public bool SawUsage { get; private set; }

    /// <summary>The model of the first chunk that named one.</summary>
    public string? Model { get; private set; }

    /// <summary>The first non-null <c>choices[].finish_reason</c>, e.g. stop, length, tool_calls.</summary>
    public string? FinishReason { get; private set; }

    /// <summary><c>data: [DONE]</c> arrived.</summary>
    public bool SawDone { get; private set; }

    /// <summary>A chunk was an <c>{"error":…}</c> object.</summary>
    public bool SawError { get; private set; }

    public int EventCount { get; private set; }

    /// <summary>
    /// The upstream ended the stream as OpenAI does: <c>[DONE]</c> after a finish reason. Anything less is a cut
    /// stream that the server must end with an error, not a clean close.
    /// </summary>
    public bool EndedProperly => SawDone && FinishReason is not null && !SawError;

    /// <summary>
    /// Valid right after <see cref="OnEvent"/>: the event just observed is the usage-only chunk (empty
    /// <c>choices</c>) that exists only because Relay asked for it, so it must not be forwarded.
    /// </summary>
    public bool DropCurrentEvent { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        EventCount++;
        DropCurrentEvent = false;
        if (data.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            return;
        }

        try
        {
            ReadChunk(data);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Keep what was recorded so far.
        }
    }

    private void ReadChunk(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, ChatJson.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        bool hasUsage = false, emptyChoices = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                var fields = default(ChatUsageFields);
                if (ChatUsageFields.Read(ref reader, ref fields))
                {
                    _usage = fields;
                    SawUsage = hasUsage = true;
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                emptyChoices = ReadChoices(ref reader);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (Model is null && reader.TokenType == JsonTokenType.String)
                {
                    Model = reader.GetString();
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                SawError |= reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        DropCurrentEvent = relayAddedIncludeUsage && hasUsage && emptyChoices;
    }

    // Returns true when choices is an empty array.
    private bool ReadChoices(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        bool empty = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            empty = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isFinish = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (isFinish && FinishReason is null && reader.TokenType == JsonTokenType.String)
                {
                    FinishReason = reader.GetString();
                }

                reader.Skip();
            }
        }

        return empty;
    }
}
