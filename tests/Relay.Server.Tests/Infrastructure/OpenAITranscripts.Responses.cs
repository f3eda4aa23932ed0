using System.Text;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// OpenAI Responses answers. Modelled on a captured gpt-5-2025-08-07 stream (September 2025, with
/// <c>include: ["reasoning.encrypted_content"]</c>) and the API reference's streaming events:
/// every event is <c>event: &lt;type&gt;\ndata: {"type":…,"sequence_number":N,…}</c> with N counting from 0;
/// <c>response.created</c> and <c>response.in_progress</c> carry the whole response object with <c>output: []</c> and
/// <c>usage: null</c>; each output item is opened by <c>response.output_item.added</c> and closed by
/// <c>response.output_item.done</c> (message items wrap <c>content_part.added/done</c> around
/// <c>output_text.delta/done</c>; reasoning items wrap <c>reasoning_summary_part.*</c> and
/// <c>reasoning_summary_text.*</c>; function calls stream <c>function_call_arguments.delta/done</c>); the stream ends
/// with <c>response.completed</c> (or <c>response.failed</c>) carrying the final object, and there is no <c>[DONE]</c>.
/// As in the capture, the reasoning item's <c>encrypted_content</c> in <c>output_item.added</c> differs from the final
/// one in <c>output_item.done</c> and <c>response.completed</c>: only the final one may be sent back.
/// </summary>
public static partial class OpenAITranscripts
{
    // ---- text ("ok") ----

    public const string ResponsesText = "Hello from the fake OpenAI upstream — ünïcødé ✓";
    public const int ResponsesTextInputTokens = 36, ResponsesTextOutputTokens = 12;
    private const string TextUsage = """{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":12,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":48}""";
    private const string TextMessageId = "msg_68d930427844819ebda216a5dcfbec4603aa6e5a972b3b23";
    private const string TextMessageDone = """{"id":"msg_68d930427844819ebda216a5dcfbec4603aa6e5a972b3b23","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello from the fake OpenAI upstream — ünïcødé ✓"}],"role":"assistant"}""";

    public static string ResponsesTextStream { get; } = Events(
        "resp_68d93041848c819e90d610c34d125a8f03aa6e5a972b3b23", 1760001000, NoReasoning, "[]",
        MessageEvents(0, TextMessageId, ["Hello", " from the fake OpenAI upstream", " — ünïcødé ✓"], ResponsesText)
            .Append(Completed(0, TextMessageDone)),
        $"[{TextMessageDone}]", TextUsage);

    public static string ResponsesTextJson { get; } = ResponseObject(
        "resp_68d93041848c819e90d610c34d125a8f03aa6e5a972b3b23", 1760001000, "completed", NoReasoning, "[]", $"[{TextMessageDone}]", TextUsage);

    // ---- two parallel function calls ("tools") ----

    public const string ResponsesCallId1 = "call_5dp5Uj0Loqn1YcyIpqSq6sLX", ResponsesCallId2 = "call_8kTq2WmZr4YbNc6Xe1Fv0Hsd";
    public const int ResponsesToolsInputTokens = 312, ResponsesToolsOutputTokens = 58;
    private const string ToolsUsage = """{"input_tokens":312,"input_tokens_details":{"cached_tokens":0},"output_tokens":58,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":370}""";
    private const string WeatherTool = """[{"type":"function","description":"Get the current weather in a given location.","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]},"strict":false}]""";
    private const string Call1Done = """{"id":"fc_68d9303fe7fc819ea999bda43617404203aa6e5a972b3b23","type":"function_call","status":"completed","arguments":"{\"location\": \"San Francisco, CA\"}","call_id":"call_5dp5Uj0Loqn1YcyIpqSq6sLX","name":"get_weather"}""";
    private const string Call2Done = """{"id":"fc_68d9304011dc819e8e1f6d0b2b7c6a5a03aa6e5a972b3b23","type":"function_call","status":"completed","arguments":"{\"location\": \"Paris, France\"}","call_id":"call_8kTq2WmZr4YbNc6Xe1Fv0Hsd","name":"get_weather"}""";

    public static string ResponsesToolsStream { get; } = Events(
        "resp_68d9303e0ef4819e9abaed38fac5de4f03aa6e5a972b3b23", 1760001100, NoReasoning, WeatherTool,
        FunctionCallEvents(0, "fc_68d9303fe7fc819ea999bda43617404203aa6e5a972b3b23", ResponsesCallId1, ["{", "\"location\"", ": \"San", " Francisco, CA\"}"], Call1Done)
            .Concat(FunctionCallEvents(1, "fc_68d9304011dc819e8e1f6d0b2b7c6a5a03aa6e5a972b3b23", ResponsesCallId2, ["{", "\"location\"", ": \"Paris", ", France\"}"], Call2Done)),
        $"[{Call1Done},{Call2Done}]", ToolsUsage);

    public static string ResponsesToolsJson { get; } = ResponseObject(
        "resp_68d9303e0ef4819e9abaed38fac5de4f03aa6e5a972b3b23", 1760001100, "completed", NoReasoning, WeatherTool, $"[{Call1Done},{Call2Done}]", ToolsUsage);

    // ---- reasoning item with summary and encrypted_content, then text ("reasoning") ----

    public const string ReasoningItemId = "rs_68d9303e94ac819ead3d9e066f405eae03aa6e5a972b3b23";
    public const string ReasoningSummary = "**Multiplying step by step**\n\n27 * 453 = 27 * 400 + 27 * 53 = 10,800 + 1,431.";
    public const string ReasoningText = "27 * 453 = 12,231";

    /// <summary>The opaque state a client must send back unchanged on its next turn (from the final item).</summary>
    public const string EncryptedReasoning = "gAAAAABo2TBAHIAEhoF6BMeLdaTLFV8HVEe_XWvYaavDRXgA5GxGNAUXrueahZnjVjdmIj01tH0cbvfcOY_7Nr4CDjV-WJC8fCpPnqtxNFOl8VRRBlLBnrRkxTGszpUA1T0-5aSq-7QUNgc3cOGG4WlmeYPmHz3uRvkTZSoCzSdLdwy2nRZMz895tczs6TQRbAATht2AXOBEuJRzuaN-nsjfLZpFnbHFm7gavipc8J_4TgNiDpqc2ZGmv4PAyb36DfvQugthq9RAzTzi1G3vLCArNk9vtbJEKQG2PT4CN420zGq2e7U05ZY5FnwOGmjCW34eZuznHQnw9KchNBjnHBGuZDI5kheS_NrGvHrJxffZj7KEbsmkue6upyb1pezxTrMVb2myJUq564zuydWbdEXNY-pSBcMO7CK9U-6X41iR5GjS00Ijsp6wUQFJmSZc2RpnYNAucvQTxUf9182TOdDxqNM8rK-P9oUetMnMHJrs780OlU45255qV-6Lxa4fpSzF9DilmmU1fqSSnitEOgOgyA==";

    /// <summary>The provisional blob of <c>output_item.added</c>, superseded by <see cref="EncryptedReasoning"/>.</summary>
    public const string EncryptedReasoningProvisional = "gAAAAABo2TA-uKo-Hbpl44DC2KmrqAUd7t6v0ZU30eFE9oHi5mLqqgfcv0L4Y6iDmb3WTr3F_DZPTRDGqnnhreDrnyZwFRYvMBSvHUJ5LSR8aGwQwxRMLiJA5Dq2gINeXgt9ftscLoSgMOmmru2PVTRgCBu5CoYfotDMtHeb8cz9bGoCVjS311VYvJxLHePGtA52CwtJRKs5_BXLIOiudrqwmyJ57pw0IIftP2c3yqtCKk3PIfsHjGEef-sxBUuIS42C6DH287MniwtWNj7eOCB6ysH0II6b0i78pOJayIwa8UsYbdLJh8nDaeDdVqG5y80IMfRrX7AhZORAN5qZoit9wV8K-v3rPgVD_kQg4O6G1fGZe1UAoPaKqvtieDYM_OVAjqnSvWR5mkKrWuoUyxXN6BKDZdTN01q1riThZ3egNpG_ndsosG_q1eGfoUdkTsyE7IZZ-vAqJMHF467kgTC4qOAlADYvnsWCinR5ws5qimoFbmJ3WQ8MXZet6R5Pmg3CWalv_wh82feYOQN8RDjZKjoLB6B_xFPKtnn432ZaY-aXpskWyLnS1YPe5Vcw037dyTdGmNtfdm5uDM-BB3lAOsJWfz1RNlCWu_2w0NoazZC0GXW89p1W-znAdLj6tOPb0VEzLZ4Nk4f6f0wCud2qpVC9W-BqWo1xN-_TCU2SCuyG63JuVOmdME_UDr2GJleFQSyq51btCpvZJt2VJpAN0o9l_EhOCXSZ65E3XGF9nfFlV16pNTjFSyzsKzrRhJ8GJrWgrMqeAHn3shoapD1z4s4GZk8HTcygEcM4dHNyL5B3mtlqhSU=";

    public const int ResponsesReasoningInputTokens = 75, ResponsesReasoningOutputTokens = 155, ResponsesReasoningTokens = 128;
    private const string ReasoningUsage = """{"input_tokens":75,"input_tokens_details":{"cached_tokens":0},"output_tokens":155,"output_tokens_details":{"reasoning_tokens":128},"total_tokens":230}""";
    private const string WithReasoning = """{"effort":"medium","summary":"detailed"}""";
    private const string ReasoningMessageId = "msg_68d930427a2c819e9b5a7e1c4d0f3b2a03aa6e5a972b3b23";
    private const string ReasoningMessageDone = """{"id":"msg_68d930427a2c819e9b5a7e1c4d0f3b2a03aa6e5a972b3b23","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"27 * 453 = 12,231"}],"role":"assistant"}""";

    private static string ReasoningItemDone { get; } =
        $$"""{"id":"{{ReasoningItemId}}","type":"reasoning","encrypted_content":"{{EncryptedReasoning}}","summary":[{"type":"summary_text","text":{{Json(ReasoningSummary)}}}]}""";

    public static string ResponsesReasoningStream { get; } = Events(
        "resp_68d9303e0ef4819e9abaed38fac5de4f03aa6e5a972b3c77", 1760001200, WithReasoning, "[]",
        ReasoningEvents(0, ["**Multiplying step by step**\n\n", "27 * 453 = 27 * 400 + 27 * 53", " = 10,800 + 1,431."])
            .Concat(MessageEvents(1, ReasoningMessageId, ["27 * 453", " = 12,231"], ReasoningText))
            .Append(Completed(1, ReasoningMessageDone)),
        $"[{ReasoningItemDone},{ReasoningMessageDone}]", ReasoningUsage);

    public static string ResponsesReasoningJson { get; } = ResponseObject(
        "resp_68d9303e0ef4819e9abaed38fac5de4f03aa6e5a972b3c77", 1760001200, "completed", WithReasoning, "[]", $"[{ReasoningItemDone},{ReasoningMessageDone}]", ReasoningUsage);

    // ---- cache ----

    private const string CacheUsage = """{"input_tokens":2006,"input_tokens_details":{"cached_tokens":1920},"output_tokens":25,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":2031}""";
    private const string CacheMessageId = "msg_68d9305c1b44819e8a0f5e2d7c6b1a9903aa6e5a972b3b23";
    private const string CacheMessageDone = """{"id":"msg_68d9305c1b44819e8a0f5e2d7c6b1a9903aa6e5a972b3b23","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Cached answer."}],"role":"assistant"}""";

    public static string ResponsesCacheStream { get; } = Events(
        "resp_68d9305b8d0c819eb2c4a1f0e9d8c7b603aa6e5a972b3b23", 1760001300, NoReasoning, "[]",
        MessageEvents(0, CacheMessageId, ["Cached answer."], "Cached answer.").Append(Completed(0, CacheMessageDone)),
        $"[{CacheMessageDone}]", CacheUsage);

    public static string ResponsesCacheJson { get; } = ResponseObject(
        "resp_68d9305b8d0c819eb2c4a1f0e9d8c7b603aa6e5a972b3b23", 1760001300, "completed", NoReasoning, "[]", $"[{CacheMessageDone}]", CacheUsage);

    // ---- faults ----

    public const string ResponsesFailedMessage = "An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists.";
    public const string ResponsesErrorMidPartialText = "Hello from the fake OpenAI upstream";

    /// <summary>
    /// <c>error-mid</c>: the text answer's first two deltas, then <c>response.failed</c> whose response has
    /// <c>status: "failed"</c> and <c>error: {code: "server_error", …}</c>; the stream then ends.
    /// </summary>
    public static string ResponsesErrorMidStream { get; } = Events(
        "resp_68d93099aa1c819e80f1e2d3c4b5a69703aa6e5a972b3b23", 1760001400, NoReasoning, "[]",
        MessageEvents(0, TextMessageId, ["Hello", " from the fake OpenAI upstream"], null),
        null, null);

    /// <summary><c>stall</c>: created and in_progress, then nothing.</summary>
    public static string ResponsesStallPrefix { get; } = Events(
        "resp_68d930a1b2c3819ea4b5c6d7e8f9a0b103aa6e5a972b3b23", 1760001500, NoReasoning, "[]", [], null, null, terminal: false);

    /// <summary><c>cut</c>: created, in_progress, the message opened and one delta, then half an event.</summary>
    public static string ResponsesCutPrefix { get; } = Events(
        "resp_68d930b2c3d4819eb5c6d7e8f9a0b1c203aa6e5a972b3b23", 1760001600, NoReasoning, "[]",
        MessageEvents(0, TextMessageId, ["This answer will be"], null), null, null, terminal: false) +
        "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":5,\"item_id\":\"" + TextMessageId + "\",\"output_index\":0,\"content_index\":0,\"delta\":\" cut off in the midd";

    // ---- building blocks ----

    private const string NoReasoning = """{"effort":null,"summary":null}""";

    /// <summary>A JSON string literal, non-ASCII kept as UTF-8 like OpenAI sends it.</summary>
    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, JsonText.Options);

    private static class JsonText
    {
        internal static readonly System.Text.Json.JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    }

    /// <summary>A whole stream: created and in_progress, the item events, then completed (or failed when output is null).</summary>
    private static string Events(string id, long created, string reasoning, string tools, IEnumerable<(string Type, string Body)> items, string? output, string? usage, bool terminal = true)
    {
        var inProgress = ResponseObject(id, created, "in_progress", reasoning, tools, "[]", "null", serviceTier: "auto");
        var all = new List<(string Type, string Body)>
        {
            ("response.created", $"\"response\":{inProgress}"),
            ("response.in_progress", $"\"response\":{inProgress}"),
        };
        all.AddRange(items);
        if (terminal && output is not null)
        {
            all.Add(("response.completed", $"\"response\":{ResponseObject(id, created, "completed", reasoning, tools, output, usage!)}"));
        }
        else if (terminal)
        {
            var error = $$"""{"code":"server_error","message":"{{ResponsesFailedMessage}}"}""";
            all.Add(("response.failed", $"\"response\":{ResponseObject(id, created, "failed", reasoning, tools, "[]", "null", error: error)}"));
        }

        var sb = new StringBuilder();
        for (var n = 0; n < all.Count; n++)
        {
            sb.Append("event: ").Append(all[n].Type).Append("\ndata: {\"type\":\"").Append(all[n].Type)
                .Append("\",\"sequence_number\":").Append(n).Append(',').Append(all[n].Body).Append("}\n\n");
        }

        return sb.ToString();
    }

    /// <summary>The response object in the field order of the capture.</summary>
    private static string ResponseObject(string id, long created, string status, string reasoning, string tools, string output, string usage, string serviceTier = "default", string error = "null") =>
        $$"""{"id":"{{id}}","object":"response","created_at":{{created}},"status":"{{status}}","background":false,"error":{{error}},"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"{{ModelPlaceholder}}","output":{{output}},"parallel_tool_calls":true,"previous_response_id":null,"prompt_cache_key":null,"reasoning":{{reasoning}},"safety_identifier":null,"service_tier":"{{serviceTier}}","store":true,"temperature":1.0,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":{{tools}},"top_logprobs":0,"top_p":1.0,"truncation":"disabled","usage":{{usage}},"user":null,"metadata":{}""" + "}";

    /// <summary>A message item's events; without <paramref name="text"/> it stops after the deltas (a stream that fails).</summary>
    private static IEnumerable<(string, string)> MessageEvents(int index, string itemId, string[] deltas, string? text)
    {
        yield return ("response.output_item.added", $$"""{{Idx(index)}},"item":{"id":"{{itemId}}","type":"message","status":"in_progress","content":[],"role":"assistant"}""");
        yield return ("response.content_part.added", $$"""{{Item(itemId, index)}},"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}""");
        for (var i = 0; i < deltas.Length; i++)
        {
            yield return ("response.output_text.delta", $$"""{{Item(itemId, index)}},"content_index":0,"delta":{{Json(deltas[i])}},"logprobs":[],"obfuscation":"{{Pad(i)}}" """.TrimEnd());
        }

        if (text is null)
        {
            yield break;
        }

        yield return ("response.output_text.done", $$"""{{Item(itemId, index)}},"content_index":0,"text":{{Json(text)}},"logprobs":[]""");
        yield return ("response.content_part.done", $$"""{{Item(itemId, index)}},"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":{{Json(text)}}}""");
    }

    private static (string, string) Completed(int index, string itemDone) => ("response.output_item.done", $"{Idx(index)},\"item\":{itemDone}");

    private static IEnumerable<(string, string)> FunctionCallEvents(int index, string itemId, string callId, string[] deltas, string itemDone)
    {
        yield return ("response.output_item.added", $$"""{{Idx(index)}},"item":{"id":"{{itemId}}","type":"function_call","status":"in_progress","arguments":"","call_id":"{{callId}}","name":"get_weather"}""");
        for (var i = 0; i < deltas.Length; i++)
        {
            yield return ("response.function_call_arguments.delta", $$"""{{Item(itemId, index)}},"delta":{{Json(deltas[i])}},"obfuscation":"{{Pad((i + 3))}}" """.TrimEnd());
        }

        yield return ("response.function_call_arguments.done", $$"""{{Item(itemId, index)}},"arguments":{{Json(string.Concat(deltas))}}""");
        yield return ("response.output_item.done", $"{Idx(index)},\"item\":{itemDone}");
    }

    private static IEnumerable<(string, string)> ReasoningEvents(int index, string[] deltas)
    {
        var summary = string.Concat(deltas);
        yield return ("response.output_item.added", $$"""{{Idx(index)}},"item":{"id":"{{ReasoningItemId}}","type":"reasoning","encrypted_content":"{{EncryptedReasoningProvisional}}","summary":[]}""");
        yield return ("response.reasoning_summary_part.added", $$"""{{Item(ReasoningItemId, index)}},"summary_index":0,"part":{"type":"summary_text","text":""}""");
        for (var i = 0; i < deltas.Length; i++)
        {
            yield return ("response.reasoning_summary_text.delta", $$"""{{Item(ReasoningItemId, index)}},"summary_index":0,"delta":{{Json(deltas[i])}},"obfuscation":"{{Pad((i + 5))}}" """.TrimEnd());
        }

        yield return ("response.reasoning_summary_text.done", $$"""{{Item(ReasoningItemId, index)}},"summary_index":0,"text":{{Json(summary)}}""");
        yield return ("response.reasoning_summary_part.done", $$"""{{Item(ReasoningItemId, index)}},"summary_index":0,"part":{"type":"summary_text","text":{{Json(summary)}}}""");
        yield return ("response.output_item.done", $"{Idx(index)},\"item\":{ReasoningItemDone}");
    }

    private static string Idx(int index) => $"\"output_index\":{index}";

    private static string Item(string itemId, int index) => $"\"item_id\":\"{itemId}\",\"output_index\":{index}";
}
