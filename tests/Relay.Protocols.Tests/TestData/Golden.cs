using System.Runtime.CompilerServices;

namespace Relay.Protocols.Tests.TestData;

/// <summary>
/// Compares output with a golden file in TestData/chat. Set RELAY_UPDATE_GOLDEN=1 to (re)write the files in the
/// source tree; review the diff before committing — the golden files are the specification.
/// </summary>
internal static class Golden
{
    public static void Assert(string name, string actual, [CallerFilePath] string caller = "")
    {
        if (Environment.GetEnvironmentVariable("RELAY_UPDATE_GOLDEN") == "1")
        {
            string root = caller[..caller.IndexOf("/tests/Relay.Protocols.Tests/", StringComparison.Ordinal)];
            File.WriteAllText(Path.Combine(root, "tests", "Relay.Protocols.Tests", "TestData", "chat", name), actual);
            return;
        }

        Xunit.Assert.Equal(ChatTestData.Text(name), actual);
    }
}
