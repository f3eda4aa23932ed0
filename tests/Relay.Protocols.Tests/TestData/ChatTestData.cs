using System.Text;

namespace Relay.Protocols.Tests.TestData;

/// <summary>Loads the Chat translation transcripts in TestData/chat (copied next to the test assembly).</summary>
internal static class ChatTestData
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "chat", name)).ReplaceLineEndings("\n");

    public static byte[] Bytes(string name) => Encoding.UTF8.GetBytes(Text(name));
}
