using System.Buffers;
using System.Text;
using System.Text.Json;
using Relay.Protocols.OpenAI.Chat;
using Relay.Protocols.Translation.Chat;

namespace Relay.Protocols.Translation.ChatResponses;

/// <summary>
/// OpenAI Chat Completions request → OpenAI Responses request, for Chat clients (Cursor, Aider, the OpenAI SDKs)
/// served from an OpenAI account that serves only the Responses API. Pure: no I/O. Relay keeps no conversation
/// state, so every request is sent whole with <c>store: false</c>. The mapping and what is refused (400 naming the
/// field) are in docs/translation-responses.md, section "Chat ⇄ Responses".
/// </summary>
public static class ChatToResponsesRequest
{
    // Read and not sent (no effect on the answer worth refusing for, or Relay-side only): seed (best-effort
    // determinism, no Responses field), store (always false: Relay keeps no state), metadata (OpenAI-side storage),
    // prediction (latency only), stream_options (Responses streams always carry usage; the stream translator is
    // told whether the client wants the usage chunk), and fields this translator does not know.

    /// <summary>Translates a Chat Completions body; a field the Responses API cannot take is refused with its path.</summary>
    /// <param name="chatJson">The client's body.</param>
    /// <param name="upstreamModel">The account's mapping of the model; the client's <c>model</c> when null.</param>
    public static Translated Translate(ReadOnlySpan<byte> chatJson, string? upstreamModel)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(chatJson.ToArray(), ChatJson.DocumentOptions);
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
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new TranslationRefusal("messages", "is required and must be a non-empty array.");
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, ChatJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, upstreamModel ?? model);
            WriteConversation(messages, writer);
            bool hasTools = WriteTools(root, writer);
            WriteToolChoice(root, hasTools, writer);
            WriteScalars(root, writer);
            WriteReasoning(root, writer);
            WriteText(root, writer);
            writer.WriteBoolean("store"u8, false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void RefuseUnsupported(JsonElement root)
    {
        if (Present(root, "n", out var n) && !(n.TryGetInt32(out int count) && count == 1))
        {
            throw new TranslationRefusal("n", "the Responses API returns one answer per request; n must be 1.");
        }

        if (root.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind == JsonValueKind.True)
        {
            throw new TranslationRefusal("logprobs", "log probabilities are not translated from the Responses API.");
        }

        if (Present(root, "top_logprobs", out _))
        {
            throw new TranslationRefusal("top_logprobs", "log probabilities are not translated from the Responses API.");
        }

        foreach (var penalty in (ReadOnlySpan<string>)["presence_penalty", "frequency_penalty"])
        {
            if (Present(root, penalty, out var value) && JsonValues.Number(value, penalty) != 0)
            {
                throw new TranslationRefusal(penalty, "the Responses API has no repetition penalties; only 0 can be honoured.");
            }
        }

        if (root.TryGetProperty("logit_bias", out var bias) && bias.ValueKind == JsonValueKind.Object && bias.EnumerateObject().Any())
        {
            throw new TranslationRefusal("logit_bias", "the Responses API cannot bias tokens.");
        }

        if (Present(root, "stop", out var stop) && !(stop.ValueKind == JsonValueKind.Array && stop.GetArrayLength() == 0))
        {
            throw new TranslationRefusal("stop", "the Responses API has no stop sequences.");
        }

        if (Present(root, "audio", out _))
        {
            throw new TranslationRefusal("audio", "audio output is not available through the Responses API.");
        }

        if (root.TryGetProperty("modalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array
            && modalities.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.String && x.GetString() != "text"))
        {
            throw new TranslationRefusal("modalities", "only text answers are translated from the Responses API.");
        }

        foreach (var legacy in (ReadOnlySpan<string>)["functions", "function_call"])
        {
            if (Present(root, legacy, out _))
            {
                throw new TranslationRefusal(legacy, "the legacy function-calling fields are not translated; use tools and tool_choice.");
            }
        }

        if (Present(root, "web_search_options", out _))
        {
            throw new TranslationRefusal("web_search_options", "Chat's built-in web search is not translated to the Responses API's web_search tool.");
        }
    }

    private static void WriteConversation(JsonElement messages, Utf8JsonWriter writer)
    {
        // Leading system/developer messages become instructions (OpenAI: "a system (or developer) message inserted
        // into the model's context"); later ones stay in place as input messages of their own role.
        var instructions = new StringBuilder();
        int i = 0;
        int count = messages.GetArrayLength();
        for (; i < count; i++)
        {
            var message = messages[i];
            string field = $"messages[{i}]";
            if (Role(message, field) is not ("system" or "developer"))
            {
                break;
            }

            if (instructions.Length > 0)
            {
                instructions.Append("\n\n");
            }

            instructions.Append(TextOf(message, field));
        }

        if (instructions.Length > 0)
        {
            writer.WriteString("instructions"u8, instructions.ToString());
        }

        writer.WriteStartArray("input"u8);
        bool any = false;
        for (; i < count; i++)
        {
            var message = messages[i];
            string field = $"messages[{i}]";
            string role = Role(message, field);
            switch (role)
            {
                case "system" or "developer":
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "message"u8);
                    writer.WriteString("role"u8, role);
                    writer.WriteString("content"u8, TextOf(message, field));
                    writer.WriteEndObject();
                    break;
                case "user":
                    WriteUser(message, field, writer);
                    any = true;
                    break;
                case "assistant":
                    WriteAssistant(message, field, writer);
                    any = true;
                    break;
                case "tool":
                    WriteToolOutput(message, field, writer);
                    any = true;
                    break;
                default:
                    throw new TranslationRefusal(field + ".role", $"'{role}' messages are not translated (the legacy function role included).");
            }
        }

        writer.WriteEndArray();
        if (!any)
        {
            throw new TranslationRefusal("messages", "must hold at least one user, assistant or tool message.");
        }
    }

    private static string Role(JsonElement message, string field)
    {
        JsonValues.Object(message, field);
        return message.TryGetProperty("role", out var r) ? JsonValues.String(r, field + ".role") : throw new TranslationRefusal(field + ".role", "is required.");
    }

    /// <summary>Text-only content (string or text parts joined by a newline).</summary>
    private static string TextOf(JsonElement message, string field)
    {
        if (!message.TryGetProperty("content", out var content) || JsonValues.IsAbsent(content))
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        JsonValues.Array(content, field + ".content");
        var text = new StringBuilder();
        int j = 0;
        foreach (var part in content.EnumerateArray())
        {
            string partField = $"{field}.content[{j++}]";
            if (PartType(part, partField) != "text")
            {
                throw new TranslationRefusal(partField + ".type", "only text parts are translated here.");
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(PartText(part, partField));
        }

        return text.ToString();
    }

    private static string PartType(JsonElement part, string field)
    {
        JsonValues.Object(part, field);
        return part.TryGetProperty("type", out var t) ? JsonValues.String(t, field + ".type") : throw new TranslationRefusal(field + ".type", "is required.");
    }

    private static string PartText(JsonElement part, string field) =>
        part.TryGetProperty("text", out var x) ? JsonValues.String(x, field + ".text") : throw new TranslationRefusal(field + ".text", "is required.");

    private static void WriteUser(JsonElement message, string field, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, "user"u8);
        writer.WriteStartArray("content"u8);
        message.TryGetProperty("content", out var content);
        if (content.ValueKind == JsonValueKind.String)
        {
            WriteInputText(writer, content.GetString()!);
        }
        else if (!JsonValues.IsAbsent(content))
        {
            JsonValues.Array(content, field + ".content");
            int j = 0;
            foreach (var part in content.EnumerateArray())
            {
                WriteUserPart(part, $"{field}.content[{j++}]", writer);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteInputText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
    }

    private static void WriteUserPart(JsonElement part, string field, Utf8JsonWriter writer)
    {
        switch (PartType(part, field))
        {
            case "text":
                WriteInputText(writer, PartText(part, field));
                break;
            case "image_url":
                var image = part.TryGetProperty("image_url", out var iu) ? iu : throw new TranslationRefusal(field + ".image_url", "is required.");
                string url = image.ValueKind == JsonValueKind.String
                    ? image.GetString()!
                    : JsonValues.OptionalString(JsonValues.Object(image, field + ".image_url"), "url", field + ".image_url.url") ?? throw new TranslationRefusal(field + ".image_url.url", "is required.");
                if (!(DataUrl.TryParse(url, out _, out _) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
                {
                    throw new TranslationRefusal(field + ".image_url.url", "must be a base64 data URL or an http(s) URL.");
                }

                string? detail = image.ValueKind == JsonValueKind.Object ? JsonValues.OptionalString(image, "detail", field + ".image_url.detail") : null;
                writer.WriteStartObject();
                writer.WriteString("type"u8, "input_image"u8);
                writer.WriteString("image_url"u8, url);
                writer.WriteString("detail"u8, detail ?? "auto");
                writer.WriteEndObject();
                break;
            case "file":
                var file = JsonValues.Object(part.TryGetProperty("file", out var f) ? f : default, field + ".file");
                string? data = JsonValues.OptionalString(file, "file_data", field + ".file.file_data");
                string? fileId = JsonValues.OptionalString(file, "file_id", field + ".file.file_id");
                string? filename = JsonValues.OptionalString(file, "filename", field + ".file.filename");
                if (data is null && fileId is null)
                {
                    throw new TranslationRefusal(field + ".file", "needs file_data or file_id.");
                }

                writer.WriteStartObject();
                writer.WriteString("type"u8, "input_file"u8);
                if (data is not null)
                {
                    writer.WriteString("file_data"u8, data);
                }
                else
                {
                    writer.WriteString("file_id"u8, fileId);
                }

                if (filename is not null)
                {
                    writer.WriteString("filename"u8, filename);
                }

                writer.WriteEndObject();
                break;
            case var other:
                throw new TranslationRefusal(field + ".type", $"'{other}' parts are not translated to the Responses API (audio input included).");
        }
    }

    private static void WriteAssistant(JsonElement message, string field, Utf8JsonWriter writer)
    {
        if (Present(message, "audio", out _))
        {
            throw new TranslationRefusal(field + ".audio", "audio answers cannot be sent to the Responses API.");
        }

        // reasoning_content is left out: the Responses API takes back only its own (encrypted) reasoning items.
        bool hasText = false;
        message.TryGetProperty("content", out var content);
        if (content.ValueKind == JsonValueKind.String)
        {
            hasText = content.GetString()!.Length > 0;
        }
        else if (!JsonValues.IsAbsent(content))
        {
            hasText = JsonValues.Array(content, field + ".content").GetArrayLength() > 0;
        }

        string? refusal = JsonValues.OptionalString(message, "refusal", field + ".refusal");
        if (hasText || !string.IsNullOrEmpty(refusal))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "message"u8);
            writer.WriteString("role"u8, "assistant"u8);
            writer.WriteStartArray("content"u8);
            if (content.ValueKind == JsonValueKind.String && hasText)
            {
                WriteOutputText(writer, content.GetString()!);
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                int j = 0;
                foreach (var part in content.EnumerateArray())
                {
                    string partField = $"{field}.content[{j++}]";
                    switch (PartType(part, partField))
                    {
                        case "text":
                            WriteOutputText(writer, PartText(part, partField));
                            break;
                        case "refusal":
                            WriteRefusal(writer, JsonValues.OptionalString(part, "refusal", partField + ".refusal") ?? "");
                            break;
                        case var other:
                            throw new TranslationRefusal(partField + ".type", $"'{other}' parts are not translated in assistant messages.");
                    }
                }
            }

            if (!string.IsNullOrEmpty(refusal))
            {
                WriteRefusal(writer, refusal);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (!message.TryGetProperty("tool_calls", out var calls) || JsonValues.IsAbsent(calls))
        {
            return;
        }

        JsonValues.Array(calls, field + ".tool_calls");
        int k = 0;
        foreach (var call in calls.EnumerateArray())
        {
            string callField = $"{field}.tool_calls[{k++}]";
            JsonValues.Object(call, callField);
            string type = JsonValues.OptionalString(call, "type", callField + ".type") ?? "function";
            if (type != "function")
            {
                throw new TranslationRefusal(callField + ".type", $"'{type}' tool calls are not translated; only function calls.");
            }

            string id = JsonValues.OptionalString(call, "id", callField + ".id") ?? throw new TranslationRefusal(callField + ".id", "is required.");
            var function = JsonValues.Object(call.TryGetProperty("function", out var fn) ? fn : default, callField + ".function");
            string name = JsonValues.OptionalString(function, "name", callField + ".function.name") ?? throw new TranslationRefusal(callField + ".function.name", "is required.");
            string arguments = JsonValues.OptionalString(function, "arguments", callField + ".function.arguments") ?? "";
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function_call"u8);
            writer.WriteString("call_id"u8, id);
            writer.WriteString("name"u8, name);
            writer.WriteString("arguments"u8, arguments.Length == 0 ? "{}" : arguments);
            writer.WriteEndObject();
        }
    }

    private static void WriteOutputText(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRefusal(Utf8JsonWriter writer, string refusal)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "refusal"u8);
        writer.WriteString("refusal"u8, refusal);
        writer.WriteEndObject();
    }

    private static void WriteToolOutput(JsonElement message, string field, Utf8JsonWriter writer)
    {
        string callId = JsonValues.OptionalString(message, "tool_call_id", field + ".tool_call_id") ?? throw new TranslationRefusal(field + ".tool_call_id", "is required.");
        writer.WriteStartObject();
        writer.WriteString("type"u8, "function_call_output"u8);
        writer.WriteString("call_id"u8, callId);
        writer.WriteString("output"u8, TextOf(message, field));
        writer.WriteEndObject();
    }

    private static bool WriteTools(JsonElement root, Utf8JsonWriter writer)
    {
        if (!Present(root, "tools", out var tools))
        {
            return false;
        }

        JsonValues.Array(tools, "tools");
        if (tools.GetArrayLength() == 0)
        {
            return false;
        }

        writer.WriteStartArray("tools"u8);
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string field = $"tools[{i++}]";
            JsonValues.Object(tool, field);
            string type = JsonValues.OptionalString(tool, "type", field + ".type") ?? "function";
            if (type != "function")
            {
                throw new TranslationRefusal(field + ".type", $"'{type}' tools are not translated; only function tools.");
            }

            var function = JsonValues.Object(tool.TryGetProperty("function", out var f) ? f : default, field + ".function");
            string name = JsonValues.OptionalString(function, "name", field + ".function.name") ?? throw new TranslationRefusal(field + ".function.name", "is required.");
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteString("name"u8, name);
            if (JsonValues.OptionalString(function, "description", field + ".function.description") is { } description)
            {
                writer.WriteString("description"u8, description);
            }

            // Responses requires parameters; Chat lets a function without arguments omit them.
            writer.WritePropertyName("parameters"u8);
            if (Present(function, "parameters", out var parameters))
            {
                JsonValues.Object(parameters, field + ".function.parameters").WriteTo(writer);
            }
            else
            {
                writer.WriteRawValue("""{"type":"object","properties":{}}"""u8);
            }

            // Chat's strict defaults to false, Responses' to true: always say which.
            bool strict = Present(function, "strict", out var s) && JsonValues.Boolean(s, field + ".function.strict");
            writer.WriteBoolean("strict"u8, strict);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        return true;
    }

    private static void WriteToolChoice(JsonElement root, bool hasTools, Utf8JsonWriter writer)
    {
        if (Present(root, "tool_choice", out var choice))
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                string value = choice.GetString()!;
                if (value is not ("auto" or "none" or "required"))
                {
                    throw new TranslationRefusal("tool_choice", $"'{value}' is not auto, none or required.");
                }

                writer.WriteString("tool_choice"u8, value);
            }
            else
            {
                JsonValues.Object(choice, "tool_choice");
                string type = JsonValues.OptionalString(choice, "type", "tool_choice.type") ?? "function";
                if (type != "function")
                {
                    throw new TranslationRefusal("tool_choice.type", $"'{type}' is not translated; name a function or use auto, none or required.");
                }

                var function = JsonValues.Object(choice.TryGetProperty("function", out var f) ? f : default, "tool_choice.function");
                string name = JsonValues.OptionalString(function, "name", "tool_choice.function.name") ?? throw new TranslationRefusal("tool_choice.function.name", "is required.");
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
            }
        }

        if (hasTools && Present(root, "parallel_tool_calls", out var parallel))
        {
            writer.WriteBoolean("parallel_tool_calls"u8, JsonValues.Boolean(parallel, "parallel_tool_calls"));
        }
    }

    private static void WriteScalars(JsonElement root, Utf8JsonWriter writer)
    {
        // max_completion_tokens replaced max_tokens in OpenAI's API; when both are sent, the newer one wins.
        if (Present(root, "max_completion_tokens", out var completion))
        {
            writer.WriteNumber("max_output_tokens"u8, JsonValues.PositiveInteger(completion, "max_completion_tokens"));
        }
        else if (Present(root, "max_tokens", out var max))
        {
            writer.WriteNumber("max_output_tokens"u8, JsonValues.PositiveInteger(max, "max_tokens"));
        }

        foreach (var name in (ReadOnlySpan<string>)["temperature", "top_p"])
        {
            if (Present(root, name, out var value))
            {
                JsonValues.Number(value, name);
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        if (Present(root, "stream", out var stream) && JsonValues.Boolean(stream, "stream"))
        {
            writer.WriteBoolean("stream"u8, true);
        }

        foreach (var name in (ReadOnlySpan<string>)["safety_identifier", "user", "prompt_cache_key", "prompt_cache_retention", "service_tier"])
        {
            if (JsonValues.OptionalString(root, name, name) is { } value)
            {
                writer.WriteString(name, value);
            }
        }
    }

    private static void WriteReasoning(JsonElement root, Utf8JsonWriter writer)
    {
        if (JsonValues.OptionalString(root, "reasoning_effort", "reasoning_effort") is not { } effort)
        {
            return;
        }

        if (effort is not ("none" or "minimal" or "low" or "medium" or "high" or "xhigh"))
        {
            throw new TranslationRefusal("reasoning_effort", $"'{effort}' is not one of none, minimal, low, medium, high, xhigh.");
        }

        writer.WriteStartObject("reasoning"u8);
        writer.WriteString("effort"u8, effort);
        writer.WriteEndObject();
    }

    private static void WriteText(JsonElement root, Utf8JsonWriter writer)
    {
        string? verbosity = JsonValues.OptionalString(root, "verbosity", "verbosity");
        JsonElement format = default;
        string type = "text";
        if (Present(root, "response_format", out format))
        {
            JsonValues.Object(format, "response_format");
            type = JsonValues.OptionalString(format, "type", "response_format.type") ?? "text";
            if (type is not ("text" or "json_object" or "json_schema"))
            {
                throw new TranslationRefusal("response_format.type", $"'{type}' is not supported.");
            }
        }

        if (type == "text" && verbosity is null)
        {
            return;
        }

        writer.WriteStartObject("text"u8);
        if (type == "json_object")
        {
            writer.WriteStartObject("format"u8);
            writer.WriteString("type"u8, "json_object"u8);
            writer.WriteEndObject();
        }
        else if (type == "json_schema")
        {
            var js = JsonValues.Object(format.TryGetProperty("json_schema", out var j) ? j : default, "response_format.json_schema");
            string name = JsonValues.OptionalString(js, "name", "response_format.json_schema.name") ?? throw new TranslationRefusal("response_format.json_schema.name", "is required.");
            writer.WriteStartObject("format"u8);
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WriteString("name"u8, name);
            if (JsonValues.OptionalString(js, "description", "response_format.json_schema.description") is { } description)
            {
                writer.WriteString("description"u8, description);
            }

            if (Present(js, "schema", out var schema))
            {
                writer.WritePropertyName("schema"u8);
                JsonValues.Object(schema, "response_format.json_schema.schema").WriteTo(writer);
            }

            if (Present(js, "strict", out var strict))
            {
                writer.WriteBoolean("strict"u8, JsonValues.Boolean(strict, "response_format.json_schema.strict"));
            }

            writer.WriteEndObject();
        }

        if (verbosity is not null)
        {
            writer.WriteString("verbosity"u8, verbosity);
        }

        writer.WriteEndObject();
    }

    private static bool Present(JsonElement parent, string name, out JsonElement value) =>
        parent.TryGetProperty(name, out value) && !JsonValues.IsAbsent(value);
}
