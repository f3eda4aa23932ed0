using System.Buffers;
using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// Splices a new model into a request body in place of the old model token, leaving every other byte as sent
/// (thinking signatures and cache markers must survive byte-exact).
/// </summary>
public static class ModelRewriter
{
    /// <summary>Returns a new body with the token at [valueStart, valueStart + valueLength) replaced by the JSON string of <paramref name="newModel"/>.</summary>
    public static byte[] Replace(ReadOnlySpan<byte> body, int valueStart, int valueLength, string newModel)
    {
        Validate(body, valueStart, valueLength);
        ArgumentNullException.ThrowIfNull(newModel);
        var encoded = JsonEncodedText.Encode(newModel).EncodedUtf8Bytes;
        var result = new byte[body.Length - valueLength + encoded.Length + 2];
        Write(body, valueStart, valueLength, encoded, result);
        return result;
    }

    /// <summary>Writes the rewritten body to <paramref name="destination"/>.</summary>
    public static void Replace(ReadOnlySpan<byte> body, int valueStart, int valueLength, string newModel, IBufferWriter<byte> destination)
    {
        Validate(body, valueStart, valueLength);
        ArgumentNullException.ThrowIfNull(newModel);
        ArgumentNullException.ThrowIfNull(destination);
        var encoded = JsonEncodedText.Encode(newModel).EncodedUtf8Bytes;
        int length = body.Length - valueLength + encoded.Length + 2;
        Write(body, valueStart, valueLength, encoded, destination.GetSpan(length));
        destination.Advance(length);
    }

    private static void Write(ReadOnlySpan<byte> body, int valueStart, int valueLength, ReadOnlySpan<byte> encoded, Span<byte> target)
    {
        body[..valueStart].CopyTo(target);
        int at = valueStart;
        target[at++] = (byte)'"';
        encoded.CopyTo(target[at..]);
        at += encoded.Length;
        target[at++] = (byte)'"';
        body[(valueStart + valueLength)..].CopyTo(target[at..]);
    }

    private static void Validate(ReadOnlySpan<byte> body, int valueStart, int valueLength)
    {
        // A wrong offset would silently corrupt the request, so insist that it frames a string token.
        if (valueStart < 0 || valueLength < 2 || valueStart > body.Length - valueLength
            || body[valueStart] != (byte)'"' || body[valueStart + valueLength - 1] != (byte)'"')
        {
            throw new ArgumentException("The range does not frame a JSON string token in the body.", nameof(valueStart));
        }
    }
}
