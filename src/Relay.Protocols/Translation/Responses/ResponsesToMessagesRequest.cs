using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Responses;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Translates an OpenAI Responses request (<c>POST /v1/responses</c>, as Codex CLI sends it) into an Anthropic
/// Messages request for a Claude account. Stateless: everything the answer needs is in the request, and the few
/// facts the response translators need travel in the returned <see cref="ResponsesTurn"/>.
/// Field mapping, defaults and refusals: <c>docs/translation-responses.md</c>.
/// </summary>
public static class ResponsesToMessagesRequest
{
    /// <summary>
    /// Translates <paramref name="body"/>. On success the result's body is the Anthropic request and
    /// <paramref name="turn"/> is set; on refusal the result's error names the field at fault (answer 400 with
    /// <see cref="ResponsesErrors.Body(TranslationError)"/>) and <paramref name="turn"/> is null.
    /// </summary>
    public static Translated Translate(ReadOnlyMemory<byte> body, ResponsesTranslationOptions? options, out ResponsesTurn? turn)
    {
        options ??= ResponsesTranslationOptions.Default;
        turn = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, ResponsesJson.DocumentOptions);
        }
        catch (JsonException)
        {
            return Translated.Refused("(body)", "Request body is not valid JSON.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Translated.Refused("(body)", "Request body must be a JSON object.");
            }

            var request = new RequestFields();
            var error = request.Read(document.RootElement);
            if (error is not null)
            {
                return new Translated(null, error);
            }

            error = Plan(request, options, out var plan);
            if (error is not null)
            {
                return new Translated(null, error);
            }

            turn = new ResponsesTurn(
                ResponsesTurn.NewResponseId(),
                options.TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
                request.Model!,
                request.Tools.Where(t => t.Freeform).Select(t => t.Name).ToHashSet(StringComparer.Ordinal))
            {
                NamespacedTools = ResponsesTurn.NamespaceMap(request.Tools.Select(t => (t.Name, t.Namespace, t.ClientName))),
                MaxOutputTokens = request.MaxOutputTokens,
                Temperature = request.Temperature,
                TopP = request.TopP,
                ReasoningEffort = request.ReasoningEffort,
                ReasoningSummary = request.ReasoningSummary,
                ParallelToolCalls = request.ParallelToolCalls,
                Store = request.Store,
            };
            return Translated.Success(Write(request, plan, options));
        }
    }

    /// <summary>Decisions that combine several fields: max_tokens, the thinking budget, and what thinking forbids.</summary>
    private static TranslationError? Plan(RequestFields request, ResponsesTranslationOptions options, out WritePlan plan)
    {
        long maxTokens = request.MaxOutputTokens ?? options.DefaultMaxOutputTokens;
        int budget = 0;
        if (request.ReasoningEffort is { } effort)
        {
            ReasoningBudget.TryGet(effort, out budget);
            budget = ReasoningBudget.Fit(budget, maxTokens);
        }

        // Mid tool loop on a turn Claude did not think in (the call came from an OpenAI account): Anthropic rejects
        // thinking here, so this one request goes without; the next turn thinks again.
        if (budget > 0 && request.Conversation.ToolLoopLacksThinking())
        {
            budget = 0;
        }

        plan = new WritePlan(maxTokens, budget);
        if (budget == 0)
        {
            return null;
        }

        if (request.ToolChoice is { Type: "any" or "tool" })
        {
            return new TranslationError("tool_choice", "a Claude account cannot force a tool call while reasoning; use 'auto' or lower reasoning.effort to 'none'.");
        }

        if (request.Temperature is { } temperature && temperature != 1)
        {
            return new TranslationError("temperature", "a Claude account accepts only temperature 1 while reasoning; leave it unset or set reasoning.effort to 'none'.");
        }

        if (request.TopP is < 0.95)
        {
            return new TranslationError("top_p", "a Claude account accepts top_p of 0.95 or more while reasoning; leave it unset or set reasoning.effort to 'none'.");
        }

        return null;
    }

    private static byte[] Write(RequestFields request, WritePlan plan, ResponsesTranslationOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            bool cache = options.AddCacheBreakpoints;
            writer.WriteStartObject();
            writer.WriteString("model"u8, options.UpstreamModel ?? request.Model);
            writer.WriteNumber("max_tokens"u8, plan.MaxTokens);
            if (request.Conversation.System.Count > 0)
            {
                request.Conversation.WriteSystem(writer, cache);
            }

            request.Conversation.WriteMessages(writer, cache);
            if (request.Tools.Count > 0)
            {
                ResponsesToolConverter.WriteTools(writer, request.Tools, cache);
                WriteToolChoice(writer, request.ToolChoice ?? new ClaudeToolChoice("auto", null), request.ParallelToolCalls);
            }

            if (plan.ThinkingBudget > 0)
            {
                writer.WriteStartObject("thinking"u8);
                writer.WriteString("type"u8, "enabled"u8);
                writer.WriteNumber("budget_tokens"u8, plan.ThinkingBudget);
                writer.WriteEndObject();
            }

            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p"u8, topP);
            }

            if (request.EndUser is { } endUser)
            {
                writer.WriteStartObject("metadata"u8);
                writer.WriteString("user_id"u8, endUser);
                writer.WriteEndObject();
            }

            writer.WriteBoolean("stream"u8, request.Stream);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ClaudeToolChoice choice, bool parallel)
    {
        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, choice.Type);
        if (choice.Name is not null)
        {
            writer.WriteString("name"u8, choice.Name);
        }

        if (!parallel && choice.Type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
    }

    private readonly record struct WritePlan(long MaxTokens, int ThinkingBudget);
}
