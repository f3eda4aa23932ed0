using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Server.OAuth;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// What a sign-in provider's backend requires of a Responses request body (<see cref="OAuthProvider"/>'s
/// <c>Responses*</c> fields; ChatGPT's Codex backend: streamed (<see cref="StreamOnly"/>), <c>"store": false</c>, <c>instructions</c>, an
/// <c>input</c> list, none of the fields it calls unsupported), applied to the outgoing body of Responses requests to
/// its accounts, same-shape and translated alike. Built once per provider; API-key accounts never get one.
/// <para>
/// A body that already complies is sent as it is, byte for byte (Codex CLI's own requests). Otherwise only the
/// offending top-level members change; every other member keeps its exact bytes, nested values are never looked
/// into, and the model, tools, reasoning and include are never touched. The rewrite makes a request acceptable, never
/// Codex-like: <c>instructions</c> are added empty, never with anybody's prompt.
/// </para>
/// </summary>
internal sealed class ResponsesBodyRules
{
    private static ReadOnlySpan<byte> Store => "store"u8;
    private static ReadOnlySpan<byte> Instructions => "instructions"u8;
    private static ReadOnlySpan<byte> Input => "input"u8;
    private static ReadOnlySpan<byte> StreamName => "stream"u8;

    private readonly bool _forceUnstored;
    private readonly bool _requireInstructions;
    private readonly bool _inputAsList;
    private readonly byte[][] _drop;

    private ResponsesBodyRules(OAuthProvider provider)
    {
        StreamOnly = provider.ResponsesStreamOnly;
        _forceUnstored = provider.ResponsesForceUnstored;
        _requireInstructions = provider.ResponsesRequireInstructions;
        _inputAsList = provider.ResponsesInputAsList;
        _drop = [.. provider.ResponsesDropFields.Select(Encoding.UTF8.GetBytes)];
    }

    /// <summary>
    /// The backend answers only streams: a non-streamed request is sent with <c>"stream": true</c> (<see cref="Apply"/>)
    /// and its stream gathered into the non-streamed answer (<c>Forwarding/GatheredStream</c>).
    /// </summary>
    public bool StreamOnly { get; }

    private bool IsEmpty => !StreamOnly && !_forceUnstored && !_requireInstructions && !_inputAsList && _drop.Length == 0;

    /// <summary>The rules of one provider, or null when it has none.</summary>
    public static ResponsesBodyRules? For(OAuthProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var rules = new ResponsesBodyRules(provider);
        return rules.IsEmpty ? null : rules;
    }

    /// <summary>
    /// <paramref name="body"/> itself when it complies (no copy), else a new body with only the needed changes.
    /// A body that is not a JSON object is returned unchanged: the upstream judges it, as it judges any body Relay
    /// passes, and its own 400 reaches the client (Relay would only guess at a better message).
    /// </summary>
    /// <param name="body">The outgoing Responses body.</param>
    /// <param name="gather">A non-streamed request on a <see cref="StreamOnly"/> account: <c>"stream": true</c> is set, since Relay gathers the stream. False for every other request, whose <c>stream</c> is never looked at.</param>
    public ReadOnlyMemory<byte> Apply(ReadOnlyMemory<byte> body, bool gather = false)
    {
        try
        {
            return NeedsRewrite(body.Span, gather) ? Rewrite(body.Span, gather) : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>One pass over the top-level member names, allocation-free: does anything have to change?</summary>
    private bool NeedsRewrite(ReadOnlySpan<byte> body, bool gather)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var hasStore = false;
        var hasInstructions = false;
        var hasStream = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var member = Classify(ref reader, gather);
            reader.Read();
            switch (member)
            {
                case Member.Stream:
                    if (reader.TokenType != JsonTokenType.True)
                    {
                        return true;
                    }

                    hasStream = true;
                    break;
                case Member.Store when _forceUnstored:
                    if (reader.TokenType != JsonTokenType.False)
                    {
                        return true;
                    }

                    hasStore = true;
                    break;
                case Member.Instructions when _requireInstructions:
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        return true;
                    }

                    hasInstructions = true;
                    break;
                case Member.Input when _inputAsList && reader.TokenType == JsonTokenType.String:
                case Member.Dropped:
                    return true;
            }

            reader.Skip();
        }

        return (_forceUnstored && !hasStore) || (_requireInstructions && !hasInstructions) || (gather && !hasStream);
    }

    /// <summary>
    /// The object again, member by member: each kept member's bytes as they were (name through value), the changed
    /// ones rewritten, the missing ones appended. Only the whitespace between top-level members is lost.
    /// </summary>
    private ReadOnlyMemory<byte> Rewrite(ReadOnlySpan<byte> body, bool gather)
    {
        var output = new ArrayBufferWriter<byte>(body.Length + 128);
        var reader = new Utf8JsonReader(body);
        reader.Read();
        output.Write("{"u8);
        var first = true;
        var hasStore = false;
        var hasInstructions = false;
        var hasStream = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = (int)reader.TokenStartIndex;
            var member = Classify(ref reader, gather);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            var valueType = reader.TokenType;
            reader.Skip();
            var end = (int)reader.BytesConsumed;

            switch (member)
            {
                case Member.Dropped:
                    continue;
                case Member.Stream:
                    hasStream = true;
                    Separate(output, ref first);
                    output.Write("\"stream\":true"u8);
                    continue;
                case Member.Store when _forceUnstored:
                    hasStore = true;
                    Separate(output, ref first);
                    output.Write("\"store\":false"u8);
                    continue;
                case Member.Instructions when _requireInstructions && valueType == JsonTokenType.Null:
                    continue;
                case Member.Instructions:
                    hasInstructions = true;
                    break;
                case Member.Input when _inputAsList && valueType == JsonTokenType.String:
                    // The string token as the client wrote it (quotes and escapes included) becomes the one message's text.
                    Separate(output, ref first);
                    output.Write("\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"u8);
                    output.Write(body[valueStart..end]);
                    output.Write("}]}]"u8);
                    continue;
            }

            Separate(output, ref first);
            output.Write(body[start..end]);
        }

        if (_forceUnstored && !hasStore)
        {
            Separate(output, ref first);
            output.Write("\"store\":false"u8);
        }

        if (_requireInstructions && !hasInstructions)
        {
            Separate(output, ref first);
            output.Write("\"instructions\":\"\""u8);
        }

        if (gather && !hasStream)
        {
            Separate(output, ref first);
            output.Write("\"stream\":true"u8);
        }

        output.Write("}"u8);
        return output.WrittenMemory;
    }

    private static void Separate(ArrayBufferWriter<byte> output, ref bool first)
    {
        if (!first)
        {
            output.Write(","u8);
        }

        first = false;
    }

    private enum Member
    {
        Other,
        Store,
        Instructions,
        Input,
        Stream,
        Dropped,
    }

    /// <summary>The member whose name the reader is on (<c>ValueTextEquals</c> also matches escaped names); <c>stream</c> only when gathering.</summary>
    private Member Classify(ref Utf8JsonReader reader, bool gather)
    {
        if (gather && reader.ValueTextEquals(StreamName))
        {
            return Member.Stream;
        }

        if (reader.ValueTextEquals(Store))
        {
            return Member.Store;
        }

        if (reader.ValueTextEquals(Instructions))
        {
            return Member.Instructions;
        }

        if (reader.ValueTextEquals(Input))
        {
            return Member.Input;
        }

        foreach (var name in _drop)
        {
            if (reader.ValueTextEquals(name))
            {
                return Member.Dropped;
            }
        }

        return Member.Other;
    }
}
