using System.Text;
using Relay.Protocols.Sse;

namespace Relay.Protocols.Tests.Sse;

internal sealed class RecordingSink : ISseEventSink
{
    public List<(string Name, string Data)> Events { get; } = [];

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) =>
        Events.Add((Encoding.UTF8.GetString(eventName), Encoding.UTF8.GetString(data)));
}
