using System.Buffers;
using System.Text;

namespace Relay.Protocols.Sse;

/// <summary>Produces server-sent-event bytes: <c>event: {name}\ndata: {data}\n\n</c>.</summary>
public static class SseWriter
{
    /// <summary>One event as a new array. Data with line breaks is written as one <c>data:</c> line per line, as the spec requires.</summary>
    public static byte[] Event(string eventName, ReadOnlySpan<byte> jsonData)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ValidateName(eventName);
        if (jsonData.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            var writer = new ArrayBufferWriter<byte>(jsonData.Length + eventName.Length + 32);
            WriteEvent(writer, Encoding.UTF8.GetBytes(eventName), jsonData);
            return writer.WrittenSpan.ToArray();
        }

        // The common case (compact JSON): size known up front, one allocation.
        int nameBytes = Encoding.UTF8.GetByteCount(eventName);
        var result = new byte[7 + nameBytes + 1 + 6 + jsonData.Length + 2];
        var span = result.AsSpan();
        "event: "u8.CopyTo(span);
        int at = 7 + Encoding.UTF8.GetBytes(eventName, span[7..]);
        span[at++] = (byte)'\n';
        "data: "u8.CopyTo(span[at..]);
        at += 6;
        jsonData.CopyTo(span[at..]);
        at += jsonData.Length;
        span[at++] = (byte)'\n';
        span[at] = (byte)'\n';
        return result;
    }

    /// <summary>Writes one event to <paramref name="destination"/> without allocating.</summary>
    public static void WriteEvent(IBufferWriter<byte> destination, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (eventName.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
        {
            throw new ArgumentException("An event name cannot contain a line break.", nameof(eventName));
        }

        destination.Write("event: "u8);
        destination.Write(eventName);
        destination.Write("\n"u8);
        while (true)
        {
            int end = data.IndexOfAny((byte)'\r', (byte)'\n');
            destination.Write("data: "u8);
            destination.Write(end < 0 ? data : data[..end]);
            destination.Write("\n"u8);
            if (end < 0)
            {
                break;
            }

            if (data[end] == (byte)'\r' && end + 1 < data.Length && data[end + 1] == (byte)'\n')
            {
                end++;
            }

            data = data[(end + 1)..];
        }

        destination.Write("\n"u8);
    }

    private static void ValidateName(string eventName)
    {
        if (eventName.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("An event name cannot contain a line break.", nameof(eventName));
        }
    }
}
