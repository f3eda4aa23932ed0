using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// A tool as Claude will see it: a function's JSON schema, or a free-form tool's single string input. A tool of a
/// <c>namespace</c> carries the namespace and its own name as the client knows them; <see cref="Name"/> is then
/// <see cref="NamespacedName"/> of the two.
/// </summary>
internal sealed record ClaudeTool(string Name, string? Description, JsonElement? Schema, bool Freeform, string? Namespace = null, string? ClientName = null)
{
    /// <summary>The one name Claude knows a namespaced tool by: <c>namespace__name</c> (Anthropic tool names are flat).</summary>
    public static string NamespacedName(string ns, string name) => ns + "__" + name;
}

/// <summary>Anthropic's <c>tool_choice</c>: auto, any, none, or one named tool.</summary>
internal sealed record ClaudeToolChoice(string Type, string? Name);

/// <summary>
/// Translates <c>tools</c> and <c>tool_choice</c>. Function tools map one to one; <c>custom</c> (free-form) tools
/// become a tool with one string input (see <see cref="FreeformTool"/>). OpenAI's hosted web search is left out:
/// Codex offers it on every request by default, Claude cannot run OpenAI's search, and an offer the model does not
/// take changes no answer the client asked for. A request that <em>requires</em> it is refused. A <c>namespace</c>
/// (a named group of function and custom tools, e.g. Codex's <c>multi_agent_v1</c>) is flattened: each of its tools
/// is offered as <c>namespace__name</c>, and Claude's calls of it are answered with the tool's own name and its
/// <c>namespace</c>. Every other hosted tool (file search, code interpreter, computer use, MCP, image generation,
/// local shell) is refused.
/// </summary>
internal static class ResponsesToolConverter
{
    public static TranslationError? ConvertTools(JsonElement tools, List<ClaudeTool> result) =>
        ReadTools(tools, "a Claude account", (tool, type, path, ns, nsDescription) => ConvertCallable(tool, type, path, ns, nsDescription, result));

    /// <summary>
    /// One <c>function</c> or <c>custom</c> tool of a request, found by <see cref="ReadTools"/>: <paramref name="path"/>
    /// names it for a refusal; <paramref name="ns"/> and <paramref name="nsDescription"/> are its namespace's, or null
    /// for a top-level tool.
    /// </summary>
    internal delegate TranslationError? CallableTool(JsonElement tool, string type, string path, string? ns, string? nsDescription);

    /// <summary>
    /// Walks a Responses <c>tools</c> array for both translators (Claude and Chat Completions accounts): each function
    /// or custom tool, top-level or inside a <c>namespace</c>, is handed to <paramref name="onCallable"/>; hosted web
    /// search is skipped; a namespace without a name or tools, a namespace member that is not a function or custom tool,
    /// and any other hosted tool are refused naming the field. <paramref name="account"/> ("a Claude account") words
    /// the refusal.
    /// </summary>
    internal static TranslationError? ReadTools(JsonElement tools, string account, CallableTool onCallable)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            return new TranslationError("tools", "must be an array.");
        }

        int index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string path = $"tools[{index++}]";
            string? type = Json.String(tool, "type");
            switch (type)
            {
                case "function" or "custom":
                    var error = onCallable(tool, type, path, null, null);
                    if (error is not null)
                    {
                        return error;
                    }

                    break;
                case "namespace":
                    if (Json.String(tool, "name") is not { Length: > 0 } ns)
                    {
                        return new TranslationError(path + ".name", "is required.");
                    }

                    if (!Json.TryGet(tool, "tools", out var inner) || inner.ValueKind != JsonValueKind.Array)
                    {
                        return new TranslationError(path + ".tools", "must be an array.");
                    }

                    int innerIndex = 0;
                    foreach (var member in inner.EnumerateArray())
                    {
                        string memberPath = $"{path}.tools[{innerIndex++}]";
                        string? memberType = Json.String(member, "type");
                        if (memberType is not ("function" or "custom"))
                        {
                            return new TranslationError(memberPath + ".type", "a namespace can hold only function and custom tools.");
                        }

                        var memberError = onCallable(member, memberType, memberPath, ns, Json.String(tool, "description"));
                        if (memberError is not null)
                        {
                            return memberError;
                        }
                    }

                    break;
                case var hosted when IsHostedWebSearch(hosted):
                    break;
                default:
                    return new TranslationError(path + ".type", $"tool type '{type}' is an OpenAI-hosted tool that {account} cannot run.");
            }
        }

        return null;
    }

    /// <summary>A namespaced tool's description: its namespace's description, then its own.</summary>
    internal static string? NamespacedDescription(string? nsDescription, string? description) =>
        nsDescription is { Length: > 0 } ? (description is null ? nsDescription : nsDescription + "\n\n" + description) : description;

    /// <summary>
    /// The flat name of the tool a <c>function_call</c>/<c>custom_tool_call</c> item or a named <c>tool_choice</c>
    /// refers to: <see cref="ClaudeTool.NamespacedName"/> when it carries a <c>namespace</c>, else <paramref name="name"/>.
    /// </summary>
    internal static string FlatName(JsonElement callOrChoice, string name) =>
        Json.String(callOrChoice, "namespace") is { Length: > 0 } ns ? ClaudeTool.NamespacedName(ns, name) : name;

    /// <summary>A <c>function</c> or <c>custom</c> tool, at the top level or (with <paramref name="ns"/>) inside a namespace.</summary>
    private static TranslationError? ConvertCallable(JsonElement tool, string type, string path, string? ns, string? nsDescription, List<ClaudeTool> result)
    {
        if (Json.String(tool, "name") is not { Length: > 0 } name)
        {
            return new TranslationError(path + ".name", "is required.");
        }

        string claudeName = ns is null ? name : ClaudeTool.NamespacedName(ns, name);
        bool freeform = type == "custom";

        // "strict" asks OpenAI to enforce the schema; Claude is given the same schema and follows it
        // without a guarantee, so the flag has no Anthropic form and is not sent.
        string? description = NamespacedDescription(nsDescription, freeform ? FreeformTool.Describe(tool) : Json.String(tool, "description"));

        JsonElement? schema = !freeform && Json.TryGet(tool, "parameters", out var parameters) ? parameters : null;
        result.Add(new ClaudeTool(claudeName, description, schema, freeform, ns, ns is null ? null : name));
        return null;
    }

    public static TranslationError? ConvertChoice(JsonElement choice, List<ClaudeTool> tools, out ClaudeToolChoice? result)
    {
        result = null;
        if (choice.ValueKind == JsonValueKind.String)
        {
            switch (choice.GetString())
            {
                case "auto":
                    result = tools.Count > 0 ? new ClaudeToolChoice("auto", null) : null;
                    return null;
                case "none":
                    result = tools.Count > 0 ? new ClaudeToolChoice("none", null) : null;
                    return null;
                case "required":
                    if (tools.Count == 0)
                    {
                        return new TranslationError("tool_choice", "'required' needs at least one function or custom tool a Claude account can call.");
                    }

                    result = new ClaudeToolChoice("any", null);
                    return null;
                default:
                    return new TranslationError("tool_choice", "must be auto, none, required or a tool.");
            }
        }

        string? type = Json.String(choice, "type");
        if (type is "function" or "custom")
        {
            string? name = Json.String(choice, "name") is { } choiceName ? FlatName(choice, choiceName) : null;

            if (name is null || !tools.Exists(t => t.Name == name))
            {
                return new TranslationError("tool_choice.name", "must name one of the request's tools.");
            }

            result = new ClaudeToolChoice("tool", name);
            return null;
        }

        if (type is not null && IsHostedWebSearch(type))
        {
            return new TranslationError("tool_choice", "requires OpenAI's hosted web search, which a Claude account cannot run.");
        }

        return new TranslationError("tool_choice", $"tool choice type '{type}' cannot be sent to a Claude account.");
    }

    public static void WriteTools(Utf8JsonWriter writer, List<ClaudeTool> tools, bool cacheBreakpoint)
    {
        writer.WriteStartArray("tools"u8);
        for (int i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            writer.WriteStartObject();
            writer.WriteString("name"u8, tool.Name);
            if (tool.Description is not null)
            {
                writer.WriteString("description"u8, tool.Description);
            }

            writer.WritePropertyName("input_schema"u8);
            if (tool.Freeform)
            {
                FreeformTool.WriteSchema(writer);
            }
            else if (tool.Schema is { ValueKind: JsonValueKind.Object } schema)
            {
                schema.WriteTo(writer);
            }
            else
            {
                // A function without parameters takes none; Anthropic requires a schema regardless.
                writer.WriteStartObject();
                writer.WriteString("type"u8, "object"u8);
                writer.WriteStartObject("properties"u8);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            if (cacheBreakpoint && i == tools.Count - 1)
            {
                writer.WriteStartObject("cache_control"u8);
                writer.WriteString("type"u8, "ephemeral"u8);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>OpenAI's hosted web search tool types (also read by the Responses ⇄ Chat translator, which treats them alike).</summary>
    internal static bool IsHostedWebSearch(string? type) =>
        type is not null && (type == "web_search" || type.StartsWith("web_search_preview", StringComparison.Ordinal)
            || type.StartsWith("web_search_20", StringComparison.Ordinal));
}
