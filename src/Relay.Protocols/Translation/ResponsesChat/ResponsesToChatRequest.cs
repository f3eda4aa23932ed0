using System.Buffers;
using System.Text.Json;
using Relay.Protocols.OpenAI.Responses;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// Translates an OpenAI Responses request (<c>POST /v1/responses</c>, as Codex CLI sends it) into a Chat Completions
/// request for an OpenAI-compatible host that serves only Chat (DeepSeek, vLLM, Ollama, OpenRouter). Stateless; the
/// facts the answer translators need travel in the returned <see cref="ResponsesTurn"/>.
/// Field mapping, defaults and refusals: <c>docs/translation-responses.md</c> ("Responses ⇄ Chat Completions").
/// </summary>
public static class ResponsesToChatRequest
{
    /// <summary>
    /// Translates <paramref name="body"/>. On success the result's body is the Chat request and <paramref name="turn"/>
    /// is set; on refusal the error names the field at fault (answer 400 with <see cref="ResponsesErrors.Body(TranslationError)"/>)
    /// and <paramref name="turn"/> is null.
    /// </summary>
    public static Translated Translate(ReadOnlyMemory<byte> body, ResponsesChatOptions? options, out ResponsesTurn? turn)
    {
        options ??= ResponsesChatOptions.Default;
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

            var request = new ChatRequestFields();
            var error = request.Read(document.RootElement, options.KeepReasoningContent);
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
                ParallelToolCalls = request.ParallelToolCalls ?? true,
                Store = request.Store,
            };
            return Translated.Success(Write(request, options));
        }
    }

    private static byte[] Write(ChatRequestFields request, ResponsesChatOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ResponsesJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, options.UpstreamModel ?? request.Model);
            request.Conversation.WriteMessages(writer);
            if (request.Tools.Count > 0)
            {
                WriteTools(writer, request.Tools);
                WriteToolChoice(writer, request);

                // OpenAI refuses parallel_tool_calls without tools, so it goes only with them.
                if (request.ParallelToolCalls is { } parallel)
                {
                    writer.WriteBoolean("parallel_tool_calls"u8, parallel);
                }
            }

            // max_tokens, not max_completion_tokens: the hosts this translation exists for (DeepSeek, vLLM, Ollama,
            // OpenRouter) all read max_tokens, several only that; OpenAI's own reasoning models, which need the
            // other name, are served in the Responses API directly.
            if (request.MaxOutputTokens is { } maxTokens)
            {
                writer.WriteNumber("max_tokens"u8, maxTokens);
            }

            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p"u8, topP);
            }

            // "none" is left out: it is the absence of reasoning, and several hosts validate the value against
            // low/medium/high. The others are passed on as sent.
            if (request.ReasoningEffort is { } effort && effort != "none")
            {
                writer.WriteString("reasoning_effort"u8, effort);
            }

            if (request.TextFormat is { } format)
            {
                WriteResponseFormat(writer, format);
            }

            if (request.EndUser is { } user)
            {
                writer.WriteString("user"u8, user);
            }

            writer.WriteBoolean("stream"u8, request.Stream);
            if (request.Stream)
            {
                // Always: usage is what Relay bills, and the Responses answer must carry it.
                writer.WriteStartObject("stream_options"u8);
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTools(Utf8JsonWriter writer, List<ChatFunctionTool> tools)
    {
        writer.WriteStartArray("tools"u8);
        foreach (var tool in tools)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, tool.Name);
            if (tool.Description is not null)
            {
                writer.WriteString("description"u8, tool.Description);
            }

            writer.WritePropertyName("parameters"u8);
            if (tool.Freeform)
            {
                FreeformTool.WriteSchema(writer);
            }
            else if (tool.Parameters is { ValueKind: JsonValueKind.Object } parameters)
            {
                parameters.WriteTo(writer);
            }
            else
            {
                // A function without parameters takes none; several hosts require a schema regardless.
                writer.WriteStartObject();
                writer.WriteString("type"u8, "object"u8);
                writer.WriteStartObject("properties"u8);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            if (tool.Strict)
            {
                writer.WriteBoolean("strict"u8, true);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ChatRequestFields request)
    {
        if (request.ToolChoice is not { } choice)
        {
            return;
        }

        if (!request.ToolChoiceNamed)
        {
            writer.WriteString("tool_choice"u8, choice);
            return;
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, choice);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>text.format</c> → <c>response_format</c>: json_object as is; json_schema's flat fields moved under <c>json_schema</c>.</summary>
    private static void WriteResponseFormat(Utf8JsonWriter writer, JsonElement format)
    {
        writer.WriteStartObject("response_format"u8);
        if (Json.String(format, "type") == "json_object")
        {
            writer.WriteString("type"u8, "json_object"u8);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("type"u8, "json_schema"u8);
        writer.WriteStartObject("json_schema"u8);
        foreach (var property in format.EnumerateObject())
        {
            if (property.Name is "name" or "schema" or "strict" or "description")
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
