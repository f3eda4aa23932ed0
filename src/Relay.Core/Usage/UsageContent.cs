using System.Runtime.InteropServices;

namespace Relay.Core.Usage;

/// <summary>
/// The bodies of one request as the client sent and received them, captured only while the live setting
/// <c>logContent</c> is on, and written (encrypted) in the same transaction as their <see cref="UsageEvent"/>.
/// Each direction holds at most the <c>contentMaxBytes</c> in force when the request started; the byte counts are
/// the full lengths, so a cut body says how much is missing.
/// </summary>
public sealed class UsageContent(ReadOnlyMemory<byte> request, long requestBytes, ReadOnlyMemory<byte> response, long responseBytes)
{
    /// <summary>The request body (its first bytes when <see cref="RequestTruncated"/>).</summary>
    public ReadOnlyMemory<byte> Request { get; } = request;

    /// <summary>The whole request body's length.</summary>
    public long RequestBytes { get; } = requestBytes;
    public bool RequestTruncated => RequestBytes > Request.Length;

    /// <summary>The response body (JSON, or the event stream's text) as the client received it.</summary>
    public ReadOnlyMemory<byte> Response { get; } = response;
    public long ResponseBytes { get; } = responseBytes;
    public bool ResponseTruncated => ResponseBytes > Response.Length;

    /// <summary>
    /// What this content holds in memory while it waits to be written (the usage queue's content budget counts it):
    /// the whole arrays behind the bodies, since a capture buffer may be larger than what it holds.
    /// </summary>
    public long MemoryBytes => Held(Request) + Held(Response);

    private static long Held(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is { } array ? array.Length : memory.Length;
}
