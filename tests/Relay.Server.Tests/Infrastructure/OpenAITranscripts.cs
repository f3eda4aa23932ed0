using System.Text;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// OpenAI Chat Completions answers as the real API frames them, for <see cref="FakeOpenAIUpstream"/>.
/// <c>{{model}}</c> is replaced by the requested model, as in <see cref="UpstreamTranscripts"/>.
/// <para>
/// Chat chunks follow the API reference's <c>chat.completion.chunk</c> object and captured gpt-4o/gpt-5 streams
/// (2025): key order <c>id, object, created, model, service_tier, system_fingerprint, choices</c>, a first chunk
/// carrying the role, one chunk per delta with <c>logprobs: null, finish_reason: null</c>, a last choice chunk with
/// an empty delta and the finish reason, then <c>data: [DONE]</c>. With <c>stream_options.include_usage</c> every
/// chunk also has <c>"usage": null</c> and one extra chunk with <c>"choices": []</c> carries the usage; without it no
/// chunk mentions usage. <c>obfuscation</c> is the random padding OpenAI adds to each chunk since August 2025.
/// Parallel tool calls stream one after the other (all of index 0, then index 1), as OpenAI sends them.
/// </para>
/// </summary>
public static partial class OpenAITranscripts
{
    public const string ModelPlaceholder = "{{model}}";

    /// <summary>One streamed chat answer: fixed envelope fields, the <c>choices[0]</c> of each chunk, the final usage.</summary>
    /// <param name="Envelope">JSON members between <c>model</c> and <c>choices</c> (OpenAI: service tier and fingerprint).</param>
    /// <param name="Obfuscated">Whether each chunk ends with an <c>obfuscation</c> member (OpenAI does; compatible hosts do not).</param>
    public sealed record ChatStream(string Id, long Created, string Envelope, IReadOnlyList<string> Choices, string Usage, bool Obfuscated = true);

    private const string OpenAIEnvelope = "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_f33640a400\"";

    // ---- text ("ok") ----

    public const string ChatText = "Hello from the fake OpenAI upstream — ünïcødé ✓";
    public const int ChatTextPromptTokens = 19, ChatTextCompletionTokens = 12;

    public static readonly ChatStream ChatTextStream = new(
        "chatcmpl-CFakeOk7dHq2Zr0TuvWbX1yLmNo3P",
        1760000000,
        OpenAIEnvelope,
        [
            """{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":" from the fake OpenAI upstream"},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":" — ünïcødé ✓"},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}""",
        ],
        """{"prompt_tokens":19,"completion_tokens":12,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""");

    /// <summary>The non-streamed <c>chat.completion</c> object (API reference example shape, same text and usage).</summary>
    public const string ChatTextJson =
        """{"id":"chatcmpl-CFakeOk7dHq2Zr0TuvWbX1yLmNo3P","object":"chat.completion","created":1760000000,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake OpenAI upstream — ünïcødé ✓","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":12,"total_tokens":31,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_f33640a400"}""";

    // ---- two parallel function calls ("tools") ----

    public const string ToolCallId1 = "call_Q2cXb0xg8XbLxZBGgS1Nb6Vf", ToolCallId2 = "call_Zy5B7hN3KcU1pWq9rTe4LmAo";
    public const int ChatToolsPromptTokens = 82, ChatToolsCompletionTokens = 51;

    public static readonly ChatStream ChatToolsStream = new(
        "chatcmpl-CFakeTools2Yq8Lr0Wd5vNcPx4Ke",
        1760000100,
        OpenAIEnvelope,
        [
            """{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_Q2cXb0xg8XbLxZBGgS1Nb6Vf","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"lo"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"cation\": \"San"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" Francisco, CA\"}"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_Zy5B7hN3KcU1pWq9rTe4LmAo","type":"function","function":{"name":"get_weather","arguments":""}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"lo"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"cation\": \"Paris"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":", France\"}"}}]},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}""",
        ],
        """{"prompt_tokens":82,"completion_tokens":51,"total_tokens":133,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""");

    public const string ChatToolsJson =
        """{"id":"chatcmpl-CFakeTools2Yq8Lr0Wd5vNcPx4Ke","object":"chat.completion","created":1760000100,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_Q2cXb0xg8XbLxZBGgS1Nb6Vf","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"San Francisco, CA\"}"}},{"id":"call_Zy5B7hN3KcU1pWq9rTe4LmAo","type":"function","function":{"name":"get_weather","arguments":"{\"location\": \"Paris, France\"}"}}],"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,"completion_tokens":51,"total_tokens":133,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_f33640a400"}""";

    // ---- reasoning_content ("reasoning"), as DeepSeek (deepseek-reasoner) and vLLM's reasoning parsers stream it ----

    public const string ChatReasoningText = "27 * 453 = 12,231";
    public const string ChatReasoningThought = "Let me compute 27 * 453. 453 = 400 + 50 + 3, so 10,800 + 1,350 + 81 = 12,231.";
    public const int ChatReasoningPromptTokens = 21, ChatReasoningCompletionTokens = 64, ChatReasoningTokens = 48;

    /// <summary>
    /// Modelled on captured deepseek-reasoner streams: no service tier or obfuscation, a role chunk with
    /// <c>reasoning_content: ""</c>, reasoning deltas with <c>content: null</c>, then content deltas with
    /// <c>reasoning_content: null</c>; DeepSeek's extra usage fields (<c>prompt_cache_hit_tokens</c>, …).
    /// </summary>
    public static readonly ChatStream ChatReasoningStream = new(
        "5b8f6f0e-52c4-4d4a-9c1e-3f1f0c2a7d11",
        1760000200,
        "\"system_fingerprint\":\"fp_ffc7281d48_prod0820_fp8_kvcache\"",
        [
            """{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":null,"reasoning_content":"Let me compute 27 * 453."},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":null,"reasoning_content":" 453 = 400 + 50 + 3,"},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":null,"reasoning_content":" so 10,800 + 1,350 + 81 = 12,231."},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":"27 * 453","reasoning_content":null},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":" = 12,231","reasoning_content":null},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":"","reasoning_content":null},"logprobs":null,"finish_reason":"stop"}""",
        ],
        """{"prompt_tokens":21,"completion_tokens":64,"total_tokens":85,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":48},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":21}""",
        Obfuscated: false);

    public const string ChatReasoningJson =
        """{"id":"5b8f6f0e-52c4-4d4a-9c1e-3f1f0c2a7d11","object":"chat.completion","created":1760000200,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"27 * 453 = 12,231","reasoning_content":"Let me compute 27 * 453. 453 = 400 + 50 + 3, so 10,800 + 1,350 + 81 = 12,231."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":64,"total_tokens":85,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":48},"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":21},"system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache"}""";

    // ---- prompt caching ("cache") ----

    public const string ChatCacheText = "Cached answer.";

    /// <summary>Usage of the cache scenario (Chat and Responses alike): 2,006 prompt tokens of which 1,920 were read from the cache.</summary>
    public const int CachePromptTokens = 2006, CacheCachedTokens = 1920, CacheCompletionTokens = 25;

    public static readonly ChatStream ChatCacheStream = new(
        "chatcmpl-CFakeCache9Tn3Kp6Vd0sRw2Jh5Lq",
        1760000300,
        OpenAIEnvelope,
        [
            """{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{"content":"Cached answer."},"logprobs":null,"finish_reason":null}""",
            """{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}""",
        ],
        """{"prompt_tokens":2006,"completion_tokens":25,"total_tokens":2031,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}""");

    public const string ChatCacheJson =
        """{"id":"chatcmpl-CFakeCache9Tn3Kp6Vd0sRw2Jh5Lq","object":"chat.completion","created":1760000300,"model":"{{model}}","choices":[{"index":0,"message":{"role":"assistant","content":"Cached answer.","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":2006,"completion_tokens":25,"total_tokens":2031,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_f33640a400"}""";

    // ---- faults ----

    /// <summary>
    /// The <c>error-mid</c> chat stream: two deltas, then an error object as a plain <c>data:</c> line (how OpenAI
    /// reports a failure after the 200; the official SDKs raise it as an APIError), then the connection closes with no
    /// finish reason and no <c>[DONE]</c>.
    /// </summary>
    public static readonly ChatStream ChatErrorMidStream = ChatTextStream with { Choices = ChatTextStream.Choices.Take(3).ToList() };

    public const string ChatErrorMidPartialText = "Hello from the fake OpenAI upstream";

    public const string StreamErrorEvent =
        "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n";

    /// <summary>Chunks the <c>stall</c> scenario sends before going quiet: the role chunk only.</summary>
    public static readonly ChatStream ChatStallStream = ChatTextStream with { Choices = ChatTextStream.Choices.Take(1).ToList() };

    /// <summary>Chunks the <c>cut</c> scenario sends whole before it writes half a chunk and drops the connection.</summary>
    public static readonly ChatStream ChatCutStream = ChatTextStream with { Choices = ChatTextStream.Choices.Take(2).ToList() };

    public const string ChatCutTail = "data: {\"id\":\"chatcmpl-CFakeOk7dHq2Zr0TuvWbX1yLmNo3P\",\"object\":\"chat.completion.chunk\",\"created\":1760000000,\"model\":\"";

    // ---- error bodies (OpenAI's documented error object: message, type, param, code) ----

    /// <summary>401 for a wrong key; <c>{{masked_key}}</c> is the received key masked the way OpenAI masks it.</summary>
    public const string InvalidApiKeyJson =
        """{"error":{"message":"Incorrect API key provided: {{masked_key}}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";

    public const string MissingApiKeyJson =
        """{"error":{"message":"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":null}}""";

    public const string RateLimitJson =
        """{"error":{"message":"Rate limit reached for {{model}} in organization org-FakeRelayTests on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";

    public const string ServerErrorJson =
        """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""";

    public const string OverloadedJson =
        """{"error":{"message":"The engine is currently overloaded, please try again later.","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}""";

    public const string ContextLengthJson =
        """{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""";

    public const string NotFoundJson =
        """{"error":{"message":"Invalid URL (POST {{path}})","type":"invalid_request_error","param":null,"code":null}}""";

    // ---- Azure OpenAI (its own error envelope for resource-level failures: code + message) ----

    public const string AzureMissingApiVersionJson =
        """{"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter (?api-version=) is required for all requests."}}""";

    public const string AzureAccessDeniedJson =
        """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""";

    public const string AzureRateLimitJson =
        """{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 30 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}""";

    public const string AzureNotFoundJson = """{"error":{"code":"404","message":"Resource not found"}}""";

    // ---- models ----

    public const string ModelsJson =
        """{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"},{"id":"gpt-4.1-mini","object":"model","created":1744318173,"owned_by":"system"},{"id":"gpt-5","object":"model","created":1754425777,"owned_by":"system"}]}""";

    // ---- rendering ----

    /// <summary>Deterministic stand-ins for OpenAI's random <c>obfuscation</c> padding (a method, so partial-class init order cannot matter).</summary>
    private static string Pad(int n) => (n % 9) switch
    {
        0 => "Qx7",
        1 => "bV2kR",
        2 => "9Lm",
        3 => "tYw0Zp",
        4 => "H4",
        5 => "sN8eXq",
        6 => "K1",
        7 => "pR5u",
        _ => "dW3",
    };

    public static string Render(string transcript, string model) => transcript.Replace(ModelPlaceholder, model, StringComparison.Ordinal);

    /// <summary>The SSE bytes of a chat stream, with or without <c>stream_options.include_usage</c>, ending in <c>[DONE]</c>.</summary>
    public static string Render(ChatStream stream, string model, bool includeUsage) =>
        RenderChunks(stream, model, includeUsage) + (includeUsage ? UsageChunk(stream, model) : string.Empty) + "data: [DONE]\n\n";

    /// <summary>Only the choice chunks (no usage chunk, no <c>[DONE]</c>): what a stream cut short has sent.</summary>
    public static string RenderChunks(ChatStream stream, string model, bool includeUsage)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < stream.Choices.Count; i++)
        {
            Chunk(sb, stream, model, stream.Choices[i], includeUsage ? "null" : null, i);
        }

        return sb.ToString();
    }

    private static string UsageChunk(ChatStream stream, string model)
    {
        var sb = new StringBuilder();
        Chunk(sb, stream, model, null, stream.Usage, stream.Choices.Count);
        return sb.ToString();
    }

    private static void Chunk(StringBuilder sb, ChatStream stream, string model, string? choice, string? usage, int n)
    {
        sb.Append("data: {\"id\":\"").Append(stream.Id).Append("\",\"object\":\"chat.completion.chunk\",\"created\":")
            .Append(stream.Created).Append(",\"model\":\"").Append(model).Append("\",").Append(stream.Envelope)
            .Append(",\"choices\":[").Append(choice).Append(']');
        if (usage is not null)
        {
            sb.Append(",\"usage\":").Append(usage);
        }

        if (stream.Obfuscated)
        {
            sb.Append(",\"obfuscation\":\"").Append(Pad(n)).Append('"');
        }

        sb.Append("}\n\n");
    }

    /// <summary>The key as OpenAI shows it in an invalid_api_key message: a short head, asterisks, the last four.</summary>
    public static string MaskKey(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : key[..8] + new string('*', Math.Min(key.Length - 12, 36)) + key[^4..];
}
