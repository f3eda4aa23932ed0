using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>A tool as Claude will see it: a function's JSON schema, or a free-form tool's single string input.</summary>
internal sealed record ClaudeTool(string Name, string? Description, JsonElement? Schema, bool Freeform);

/// <summary>Anthropic's <c>tool_choice</c>: auto, any, none, or one named tool.</summary>
internal sealed record ClaudeToolChoice(string Type, string? Name);

/// <summary>
/// Translates <c>tools</c> and <c>tool_choice</c>. Function tools map one to one; <c>custom</c> (free-form) tools
/// become a tool with one string input (see <see cref="FreeformTool"/>). OpenAI's hosted web search is left out:
/// Codex offers it on every request by default, Claude cannot run OpenAI's search, and an offer the model does not
/// take changes no answer the client asked for. A request that <em>requires</em> it is refused. Every other hosted
/// tool (file search, code interpreter, computer use, MCP, image generation, local shell) is refused.
/// </summary>
internal static class ResponsesToolConverter
{
    public static TranslationError? ConvertTools(JsonElement tools, List<ClaudeTool> result)
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
                case "function":
                    if (Json.String(tool, "name") is not { Length: > 0 } name)
                    {
                        return new TranslationError(path + ".name", "is required.");
                    }

                    // "strict" asks OpenAI to enforce the schema; Claude is given the same schema and follows it
                    // without a guarantee, so the flag has no Anthropic form and is not sent.
                    result.Add(new ClaudeTool(name, Json.String(tool, "description"),
                        Json.TryGet(tool, "parameters", out var parameters) ? parameters : null, Freeform: false));
                    break;
                case "custom":
                    if (Json.String(tool, "name") is not { Length: > 0 } customName)
                    {
                        return new TranslationError(path + ".name", "is required.");
                    }

                    result.Add(new ClaudeTool(customName, FreeformTool.Describe(tool), Schema: null, Freeform: true));
                    break;
                case var hosted when IsHostedWebSearch(hosted):
                    break;
                default:
                    return new TranslationError(path + ".type", $"tool type '{type}' is an OpenAI-hosted tool that a Claude account cannot run.");
            }
        }

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
            string? name = Json.String(choice, "name");
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
