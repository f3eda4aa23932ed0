using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Relay.Protocols.Tests.Translation.Chat;
using Relay.Protocols.Tests.Translation.Responses;
using Relay.Protocols.Translation;
using Relay.Protocols.Translation.Responses;
using Relay.Protocols.Translation.ResponsesChat;

namespace Relay.Protocols.Tests.Translation.ResponsesChat;

/// <summary>Helpers of the Responses ⇄ Chat tests: test data in TestData/responses-chat, translation, stream runs, golden files.</summary>
internal static class ResponsesChatKit
{
    public static readonly ResponsesChatOptions Options = new()
    {
        TimeProvider = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(1_756_300_000)),
    };

    public static string Load(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "responses-chat", name));

    public static ResponsesTurn Turn(params string[] freeformTools) =>
        ResponsesTurn.Create("resp_test", 1_756_300_000, "deepseek-chat", freeformTools);

    /// <summary>Translates a Responses request that must succeed; returns the Chat request.</summary>
    public static JsonElement Request(string json, out ResponsesTurn turn, ResponsesChatOptions? options = null)
    {
        var result = ResponsesToChatRequest.Translate(Encoding.UTF8.GetBytes(json), options ?? Options, out var made);
        Assert.True(result.Ok, result.Error?.ToString());
        turn = made!;
        return JsonDocument.Parse(result.Body).RootElement;
    }

    public static TranslationError Refusal(string json)
    {
        var result = ResponsesToChatRequest.Translate(Encoding.UTF8.GetBytes(json), Options, out var turn);
        Assert.False(result.Ok);
        Assert.Null(turn);
        return result.Error!;
    }

    /// <summary>Runs a Chat SSE transcript through the scanner (one chunk, or random chunks of 1–64 bytes) into a new translator.</summary>
    public static string Stream(string transcript, ResponsesTurn turn, Random? random = null, bool complete = true) =>
        StreamHarness.Run(new ChatToResponsesStream(turn), Encoding.UTF8.GetBytes(transcript), random, complete);

    public static List<(string Name, JsonElement Data)> Events(string sse) => ResponsesKit.Events(sse);

    /// <summary>
    /// Compares with a golden file in TestData/responses-chat. RELAY_UPDATE_GOLDEN=1 (re)writes it in the source tree;
    /// review the diff before committing — the golden files are the specification.
    /// </summary>
    public static void Golden(string name, string actual, [CallerFilePath] string caller = "")
    {
        if (Environment.GetEnvironmentVariable("RELAY_UPDATE_GOLDEN") == "1")
        {
            string root = caller[..caller.IndexOf("/tests/Relay.Protocols.Tests/", StringComparison.Ordinal)];
            File.WriteAllText(Path.Combine(root, "tests", "Relay.Protocols.Tests", "TestData", "responses-chat", name), actual);
            return;
        }

        Assert.Equal(Load(name), actual);
    }

    /// <summary>Indented JSON, for golden files a reviewer can read.</summary>
    public static string Pretty(JsonElement element) =>
        JsonSerializer.Serialize(element, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
