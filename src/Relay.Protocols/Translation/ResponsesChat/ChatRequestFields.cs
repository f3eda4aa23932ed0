using System.Text.Json;
using Relay.Protocols.Translation.Responses;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// A function tool as the Chat host sees it; a free-form tool is one with a single string parameter. A tool of a
/// <c>namespace</c> carries the namespace and its own name as the client knows them; <see cref="Name"/> is then the
/// flat <c>namespace__name</c> (<see cref="ClaudeTool.NamespacedName"/>, the same as for Claude accounts).
/// </summary>
internal sealed record ChatFunctionTool(string Name, string? Description, JsonElement? Parameters, bool Strict, bool Freeform,
    string? Namespace = null, string? ClientName = null);

/// <summary>
/// The top-level fields of a Responses request bound for a Chat Completions account, read and checked one by one.
/// Every field is translated, ignored for a documented reason, or refused; an unknown field is refused, so a new
/// OpenAI feature never silently does nothing.
/// </summary>
internal sealed class ChatRequestFields
{
    public string? Model { get; private set; }

    public bool Stream { get; private set; }

    public ChatConversation Conversation { get; } = new();

    public List<ChatFunctionTool> Tools { get; } = [];

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c>, or the name of one tool (written as Chat's function choice).</summary>
    public string? ToolChoice { get; private set; }

    public bool ToolChoiceNamed { get; private set; }

    public bool? ParallelToolCalls { get; private set; }

    public long? MaxOutputTokens { get; private set; }

    public double? Temperature { get; private set; }

    public double? TopP { get; private set; }

    public string? ReasoningEffort { get; private set; }

    public string? ReasoningSummary { get; private set; }

    public bool Store { get; private set; }

    /// <summary><c>text.format</c> when it asks for JSON: kept to be written as Chat's <c>response_format</c>.</summary>
    public JsonElement? TextFormat { get; private set; }

    /// <summary><c>safety_identifier</c>, else <c>user</c>: Chat's <c>user</c>.</summary>
    public string? EndUser { get; private set; }

    public TranslationError? Read(JsonElement root, bool keepReasoning)
    {
        JsonElement input = default, tools = default, toolChoice = default;
        string? safetyIdentifier = null, user = null, instructions = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            bool isNull = value.ValueKind == JsonValueKind.Null;
            TranslationError? error = property.Name switch
            {
                "model" => ResponsesFieldReaders.Model(value, v => Model = v),
                "input" => Keep(value, out input),
                "instructions" => ResponsesFieldReaders.String(value, "instructions", v => instructions = v),
                "tools" => Keep(value, out tools),
                "tool_choice" => Keep(value, out toolChoice),
                "parallel_tool_calls" => ResponsesFieldReaders.Bool(value, "parallel_tool_calls", v => ParallelToolCalls = v),
                "max_output_tokens" => ResponsesFieldReaders.MaxOutputTokens(value, v => MaxOutputTokens = v),
                "temperature" => ResponsesFieldReaders.Number(value, "temperature", 0, 2, v => Temperature = v),
                "top_p" => ResponsesFieldReaders.Number(value, "top_p", 0, 1, v => TopP = v),
                "reasoning" => ResponsesFieldReaders.Reasoning(value, v => ReasoningEffort = v, v => ReasoningSummary = v), // the summary is echoed: a Chat host's reasoning_content is always returned as the reasoning item's summary text.
                "stream" => ResponsesFieldReaders.Bool(value, "stream", v => Stream = v),
                "store" => ResponsesFieldReaders.Bool(value, "store", v => Store = v),
                "text" => ReadText(value),
                "user" => ResponsesFieldReaders.String(value, "user", v => user = v),
                "safety_identifier" => ResponsesFieldReaders.String(value, "safety_identifier", v => safetyIdentifier = v),

                // Chat Completions keeps no conversation state and Relay stores nothing.
                "previous_response_id" or "conversation" when !isNull => new TranslationError(property.Name,
                    "Relay does not store conversations for Chat Completions accounts, so a stored conversation cannot be continued; send the whole conversation in 'input' (Codex does with store: false)."),
                "prompt" when !isNull => new TranslationError("prompt", "stored prompt templates live in OpenAI's platform and cannot be used with a Chat Completions account."),
                "background" when value.ValueKind == JsonValueKind.True => new TranslationError("background", "background responses are stored and polled on OpenAI's side; a Chat Completions account answers in the request."),
                "truncation" when value.ValueKind == JsonValueKind.String && value.ValueEquals("auto") => new TranslationError("truncation",
                    "automatic truncation is not available on a Chat Completions account; an over-long conversation is refused by the upstream instead."),
                "top_logprobs" when value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0 => new TranslationError("top_logprobs",
                    "log probabilities are not translated from Chat Completions answers."),
                "max_tool_calls" when !isNull => new TranslationError("max_tool_calls", "a limit on hosted tool calls has no Chat Completions equivalent."),

                // Accepted and not sent: metadata is OpenAI's dashboard tagging (Chat's needs store: true); include is
                // satisfied by Relay's reasoning envelope; prompt_cache_key is Relay's stickiness key (compatible hosts
                // cache by prefix without it); the rest are transport or billing hints of OpenAI's.
                "previous_response_id" or "conversation" or "prompt" or "background" or "truncation" or "top_logprobs"
                    or "max_tool_calls" or "metadata" or "include" or "prompt_cache_key" or "prompt_cache_retention"
                    or "service_tier" or "client_metadata" or "stream_options" => null,
                _ => new TranslationError(property.Name, "this field cannot be sent to a Chat Completions account."),
            };
            if (error is not null)
            {
                return error;
            }
        }

        if (Model is null)
        {
            return new TranslationError("model", "is required and must be a string.");
        }

        EndUser = safetyIdentifier ?? user;
        if (!string.IsNullOrEmpty(instructions))
        {
            Conversation.AddSystem(instructions);
        }

        var inputError = input.ValueKind == JsonValueKind.Undefined
            ? new TranslationError("input", "is required.")
            : ChatInputConverter.Convert(input, Conversation, keepReasoning);
        if (inputError is not null)
        {
            return inputError;
        }

        if (Conversation.TurnCount == 0)
        {
            return new TranslationError("input", "holds no user or assistant content to answer.");
        }

        if (tools.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            var toolError = ReadTools(tools);
            if (toolError is not null)
            {
                return toolError;
            }
        }

        return toolChoice.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : ReadToolChoice(toolChoice);
    }

    /// <summary>
    /// Function tools map one to one; <c>custom</c> (free-form) tools become a function with one string parameter
    /// (<see cref="FreeformTool"/>). OpenAI's hosted web search is left out as for Claude accounts: Codex offers it on
    /// every request, a Chat host cannot run it, and an offer the model does not take changes nothing. A
    /// <c>namespace</c> (Codex's <c>multi_agent_v1</c>) is flattened exactly as for Claude accounts: each of its tools is
    /// offered as <c>namespace__name</c> and the model's calls are answered with the tool's own name and its
    /// <c>namespace</c>. Any other hosted tool is refused. The walk is <see cref="ResponsesToolConverter.ReadTools"/>,
    /// shared with the Claude translator.
    /// </summary>
    private TranslationError? ReadTools(JsonElement tools) =>
        ResponsesToolConverter.ReadTools(tools, "a Chat Completions account", ReadCallable);

    private TranslationError? ReadCallable(JsonElement tool, string type, string path, string? ns, string? nsDescription)
    {
        if (Json.String(tool, "name") is not { Length: > 0 } name)
        {
            return new TranslationError(path + ".name", "is required.");
        }

        string flatName = ns is null ? name : ClaudeTool.NamespacedName(ns, name);
        string? clientName = ns is null ? null : name;
        Tools.Add(type == "custom"
            ? new ChatFunctionTool(flatName, ResponsesToolConverter.NamespacedDescription(nsDescription, FreeformTool.Describe(tool)), null,
                Strict: false, Freeform: true, ns, clientName)
            : new ChatFunctionTool(flatName, ResponsesToolConverter.NamespacedDescription(nsDescription, Json.String(tool, "description")),
                Json.TryGet(tool, "parameters", out var parameters) ? parameters : null,
                Strict: Json.TryGet(tool, "strict", out var strict) && strict.ValueKind == JsonValueKind.True, Freeform: false, ns, clientName));
        return null;
    }

    private TranslationError? ReadToolChoice(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            switch (choice.GetString())
            {
                case "auto" or "none":
                    ToolChoice = Tools.Count > 0 ? choice.GetString() : null;
                    return null;
                case "required":
                    if (Tools.Count == 0)
                    {
                        return new TranslationError("tool_choice", "'required' needs at least one function or custom tool a Chat Completions account can call.");
                    }

                    ToolChoice = "required";
                    return null;
                default:
                    return new TranslationError("tool_choice", "must be auto, none, required or a tool.");
            }
        }

        string? type = Json.String(choice, "type");
        if (type is "function" or "custom")
        {
            string? name = Json.String(choice, "name") is { } choiceName ? ResponsesToolConverter.FlatName(choice, choiceName) : null;
            if (name is null || !Tools.Exists(t => t.Name == name))
            {
                return new TranslationError("tool_choice.name", "must name one of the request's tools.");
            }

            ToolChoice = name;
            ToolChoiceNamed = true;
            return null;
        }

        if (ResponsesToolConverter.IsHostedWebSearch(type))
        {
            return new TranslationError("tool_choice", "requires OpenAI's hosted web search, which a Chat Completions account cannot run.");
        }

        return new TranslationError("tool_choice", $"tool choice type '{type}' cannot be sent to a Chat Completions account.");
    }

    private static TranslationError? Keep(JsonElement value, out JsonElement kept)
    {
        kept = value;
        return null;
    }

    private TranslationError? ReadText(JsonElement value)
    {
        // "verbosity" alone is a style hint of OpenAI's GPT-5 models; compatible hosts have no such parameter.
        if (value.ValueKind == JsonValueKind.Null || !Json.TryGet(value, "format", out var format))
        {
            return null;
        }

        switch (Json.String(format, "type"))
        {
            case "text":
                return null;
            case "json_object":
                TextFormat = format;
                return null;
            case "json_schema":
                if (Json.String(format, "name") is null || !Json.TryGet(format, "schema", out _))
                {
                    return new TranslationError("text.format", "a json_schema format needs a name and a schema.");
                }

                TextFormat = format;
                return null;
            default:
                return new TranslationError("text.format.type", "must be text, json_object or json_schema.");
        }
    }
}
