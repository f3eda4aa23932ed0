using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;

namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// OpenAI Chat Completions request → Anthropic Messages request, for Chat clients (Cursor, Cline, Aider, Continue,
/// the OpenAI SDKs) served from an Anthropic account. Pure: no I/O, image URLs are passed to Anthropic as URL
/// sources and never fetched by Relay. The field-by-field mapping, refusals and defaults are in docs/translation.md.
/// </summary>
public static partial class ChatToMessagesRequest
{
    /// <summary>max_tokens sent when the client gives neither <c>max_completion_tokens</c> nor <c>max_tokens</c>
    /// (Anthropic requires it; 8,192 is the largest output every current Claude model accepts).</summary>
    public const int DefaultMaxTokens = 8192;

    /// <summary>When reasoning is on, the answer keeps at least this many tokens of max_tokens beside the thinking budget.</summary>
    public const int MinimumAnswerTokens = 1024;

    // Fields that do not change what the model answers, or have no Anthropic counterpart worth refusing for:
    // seed (best-effort determinism), store and metadata (OpenAI-side storage), service_tier, prompt_cache_key and
    // prompt_cache_retention (Anthropic caches by cache_control markers), prediction (latency only), verbosity,
    // stream_options (read by the stream translator's caller), and any field this translator does not know.

    /// <summary>Translates a Chat Completions request body; a field Anthropic cannot express is refused with its path.</summary>
    /// <param name="upstreamModel">The model to write (the account's mapping); null keeps the client's.</param>
    public static Translated Translate(ReadOnlySpan<byte> chatRequestJson, string? upstreamModel = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(chatRequestJson.ToArray(), ChatJson.DocumentOptions);
        }
        catch (JsonException)
        {
            return Translated.Refused("body", "Request body is not valid JSON.");
        }

        using (document)
        {
            try
            {
                return Translated.Success(Write(document.RootElement, upstreamModel));
            }
            catch (TranslationRefusal refusal)
            {
                return Translated.Refused(refusal.Field, refusal.Message);
            }
        }
    }

    private static byte[] Write(JsonElement root, string? upstreamModel)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TranslationRefusal("body", "Request body must be a JSON object.");
        }

        RefuseUnsupported(root);
        string model = root.TryGetProperty("model", out var m) ? JsonValues.String(m, "model") : throw new TranslationRefusal("model", "is required.");
        var conversation = ReadConversation(root.TryGetProperty("messages", out var messages) ? messages : default);
        long? maxTokens = ReadMaxTokens(root);
        int? thinkingBudget = ReadThinkingBudget(root);
        long resolvedMax = maxTokens ?? DefaultMaxTokens + (thinkingBudget ?? 0);
        if (thinkingBudget is int budget && budget > resolvedMax - MinimumAnswerTokens)
        {
            // OpenAI's max_completion_tokens includes reasoning, as Anthropic's max_tokens includes thinking: shrink
            // the budget to fit rather than exceed what the client allowed.
            thinkingBudget = (int)(resolvedMax - MinimumAnswerTokens);
            if (thinkingBudget < ReasoningBudgets.Minimum)
            {
                throw new TranslationRefusal("reasoning_effort", $"needs max_completion_tokens of at least {ReasoningBudgets.Minimum + MinimumAnswerTokens} (Anthropic's smallest thinking budget plus room for the answer).");
            }
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, upstreamModel ?? model);
            writer.WriteNumber("max_tokens"u8, resolvedMax);
            conversation.WriteSystem(writer);
            conversation.WriteMessages(writer);
            WriteTools(root, writer);
            WriteStop(root, writer);
            WriteSampling(root, writer);
            WriteStream(root, writer);
            WriteUser(root, writer);
            WriteThinking(thinkingBudget, writer);
            WriteOutputFormat(root, writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void RefuseUnsupported(JsonElement root)
    {
        if (root.TryGetProperty("n", out var n) && !JsonValues.IsAbsent(n) && !(n.TryGetInt32(out int count) && count == 1))
        {
            throw new TranslationRefusal("n", "Anthropic returns one choice per request; n must be 1.");
        }

        if (root.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.True)
        {
            throw new TranslationRefusal("logprobs", "Anthropic does not return log probabilities.");
        }

        if (root.TryGetProperty("top_logprobs", out var top) && !JsonValues.IsAbsent(top))
        {
            throw new TranslationRefusal("top_logprobs", "Anthropic does not return log probabilities.");
        }

        foreach (var penalty in (ReadOnlySpan<string>)["presence_penalty", "frequency_penalty"])
        {
            if (root.TryGetProperty(penalty, out var value) && !JsonValues.IsAbsent(value) && JsonValues.Number(value, penalty) != 0)
            {
                throw new TranslationRefusal(penalty, "Anthropic has no repetition penalties; only 0 can be honoured.");
            }
        }

        if (root.TryGetProperty("logit_bias", out var bias) && bias.ValueKind == JsonValueKind.Object && bias.EnumerateObject().Any())
        {
            throw new TranslationRefusal("logit_bias", "Anthropic cannot bias tokens.");
        }

        if (root.TryGetProperty("audio", out var audio) && !JsonValues.IsAbsent(audio))
        {
            throw new TranslationRefusal("audio", "Anthropic models do not produce audio.");
        }

        if (root.TryGetProperty("modalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array
            && modalities.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && x.GetString() != "text"))
        {
            throw new TranslationRefusal("modalities", "Anthropic models answer in text only.");
        }

        foreach (var legacy in (ReadOnlySpan<string>)["functions", "function_call"])
        {
            if (root.TryGetProperty(legacy, out var value) && !JsonValues.IsAbsent(value))
            {
                throw new TranslationRefusal(legacy, "the legacy function-calling fields are not translated; use tools and tool_choice.");
            }
        }

        if (root.TryGetProperty("web_search_options", out var search) && !JsonValues.IsAbsent(search))
        {
            throw new TranslationRefusal("web_search_options", "OpenAI's built-in web search cannot be served by an Anthropic account.");
        }
    }

    private static long? ReadMaxTokens(JsonElement root)
    {
        // max_completion_tokens replaced max_tokens in OpenAI's API; when both are sent, the newer one wins.
        if (root.TryGetProperty("max_completion_tokens", out var completion) && !JsonValues.IsAbsent(completion))
        {
            return JsonValues.PositiveInteger(completion, "max_completion_tokens");
        }

        return root.TryGetProperty("max_tokens", out var max) && !JsonValues.IsAbsent(max)
            ? JsonValues.PositiveInteger(max, "max_tokens")
            : null;
    }

    private static void WriteStop(JsonElement root, Utf8JsonWriter writer)
    {
        if (!root.TryGetProperty("stop", out var stop) || JsonValues.IsAbsent(stop))
        {
            return;
        }

        if (stop.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartArray("stop_sequences"u8);
            writer.WriteStringValue(stop.GetString());
            writer.WriteEndArray();
            return;
        }

        JsonValues.Array(stop, "stop");
        writer.WriteStartArray("stop_sequences"u8);
        int i = 0;
        foreach (var item in stop.EnumerateArray())
        {
            writer.WriteStringValue(JsonValues.String(item, $"stop[{i++}]"));
        }

        writer.WriteEndArray();
    }

    private static void WriteSampling(JsonElement root, Utf8JsonWriter writer)
    {
        if (root.TryGetProperty("temperature", out var temperature) && !JsonValues.IsAbsent(temperature))
        {
            double value = JsonValues.Number(temperature, "temperature");
            if (value is < 0 or > 1)
            {
                // OpenAI allows 0–2; silently clamping 1.5 to 1 would change the answer's character unannounced.
                throw new TranslationRefusal("temperature", "must be between 0 and 1 for an Anthropic model (OpenAI's 0–2 range is not mapped).");
            }

            writer.WritePropertyName("temperature"u8);
            temperature.WriteTo(writer);
        }

        if (root.TryGetProperty("top_p", out var topP) && !JsonValues.IsAbsent(topP))
        {
            JsonValues.Number(topP, "top_p");
            writer.WritePropertyName("top_p"u8);
            topP.WriteTo(writer);
        }
    }

    private static void WriteStream(JsonElement root, Utf8JsonWriter writer)
    {
        if (root.TryGetProperty("stream", out var stream) && !JsonValues.IsAbsent(stream) && JsonValues.Boolean(stream, "stream"))
        {
            writer.WriteBoolean("stream"u8, true);
        }
    }

    private static void WriteUser(JsonElement root, Utf8JsonWriter writer)
    {
        // user (deprecated by OpenAI) or its successor safety_identifier: both identify the end user, as
        // Anthropic's metadata.user_id does.
        string? user = JsonValues.OptionalString(root, "user", "user") ?? JsonValues.OptionalString(root, "safety_identifier", "safety_identifier");
        if (!string.IsNullOrEmpty(user))
        {
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("user_id"u8, user);
            writer.WriteEndObject();
        }
    }

    private static void WriteOutputFormat(JsonElement root, Utf8JsonWriter writer)
    {
        if (!root.TryGetProperty("response_format", out var format) || JsonValues.IsAbsent(format))
        {
            return;
        }

        JsonValues.Object(format, "response_format");
        string type = format.TryGetProperty("type", out var t) ? JsonValues.String(t, "response_format.type") : "text";
        switch (type)
        {
            case "text":
                return;
            case "json_schema":
                var schema = format.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object
                    && js.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.Object
                    ? s
                    : throw new TranslationRefusal("response_format.json_schema.schema", "is required.");
                writer.WriteStartObject("output_config"u8);
                writer.WriteStartObject("format"u8);
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WritePropertyName("schema"u8);
                schema.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                return;
            case "json_object":
                throw new TranslationRefusal("response_format", "json_object has no Anthropic equivalent (Anthropic constrains output only to a schema); send json_schema instead.");
            default:
                throw new TranslationRefusal("response_format.type", $"'{type}' is not supported.");
        }
    }
}
