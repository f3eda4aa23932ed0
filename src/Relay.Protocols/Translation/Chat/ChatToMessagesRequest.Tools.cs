using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

public static partial class ChatToMessagesRequest
{
    private static void WriteTools(JsonElement root, Utf8JsonWriter writer)
    {
        if (!root.TryGetProperty("tools", out var tools) || JsonValues.IsAbsent(tools))
        {
            return;
        }

        JsonValues.Array(tools, "tools");
        if (tools.GetArrayLength() == 0)
        {
            return;
        }

        writer.WriteStartArray("tools"u8);
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            WriteTool(tool, $"tools[{i++}]", writer);
        }

        writer.WriteEndArray();
        WriteToolChoice(root, writer);
    }

    private static void WriteTool(JsonElement tool, string field, Utf8JsonWriter writer)
    {
        JsonValues.Object(tool, field);
        string type = JsonValues.OptionalString(tool, "type", field + ".type") ?? "function";
        if (type != "function")
        {
            throw new TranslationRefusal(field + ".type", $"'{type}' tools cannot be sent to an Anthropic account; only function tools are translated.");
        }

        var function = tool.TryGetProperty("function", out var f) ? JsonValues.Object(f, field + ".function") : throw new TranslationRefusal(field + ".function", "is required.");
        writer.WriteStartObject();
        writer.WriteString("name"u8, function.TryGetProperty("name", out var name) ? JsonValues.String(name, field + ".function.name") : throw new TranslationRefusal(field + ".function.name", "is required."));
        string? description = JsonValues.OptionalString(function, "description", field + ".function.description");
        if (description is not null)
        {
            writer.WriteString("description"u8, description);
        }

        writer.WritePropertyName("input_schema"u8);
        if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            parameters.WriteTo(writer);
        }
        else
        {
            // OpenAI allows a function without parameters; Anthropic requires an object schema.
            writer.WriteStartObject();
            writer.WriteString("type"u8, "object"u8);
            writer.WriteStartObject("properties"u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (function.TryGetProperty("strict", out var strict) && strict.ValueKind == JsonValueKind.True)
        {
            writer.WriteBoolean("strict"u8, true);
        }

        WriteCacheControl(tool, writer);
        writer.WriteEndObject();
    }

    private static void WriteToolChoice(JsonElement root, Utf8JsonWriter writer)
    {
        bool disableParallel = root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind == JsonValueKind.False;
        string type = "auto";
        string? name = null;
        if (root.TryGetProperty("tool_choice", out var choice) && !JsonValues.IsAbsent(choice))
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                type = choice.GetString() switch
                {
                    "auto" => "auto",
                    "none" => "none",
                    "required" => "any",
                    var other => throw new TranslationRefusal("tool_choice", $"'{other}' is not auto, none or required."),
                };
            }
            else
            {
                JsonValues.Object(choice, "tool_choice");
                string choiceType = JsonValues.OptionalString(choice, "type", "tool_choice.type") ?? "function";
                if (choiceType != "function" || !choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    throw new TranslationRefusal("tool_choice", "only {\"type\":\"function\",\"function\":{\"name\":…}} names a tool for an Anthropic account.");
                }

                type = "tool";
                name = function.TryGetProperty("name", out var n) ? JsonValues.String(n, "tool_choice.function.name") : throw new TranslationRefusal("tool_choice.function.name", "is required.");
            }
        }
        else if (!disableParallel)
        {
            return;
        }

        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, type);
        if (name is not null)
        {
            writer.WriteString("name"u8, name);
        }

        // Anthropic rejects the flag on "none", where no call can happen anyway.
        if (disableParallel && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
    }

    private static void WriteCacheControl(JsonElement source, Utf8JsonWriter writer)
    {
        if (source.TryGetProperty("cache_control", out var cache) && cache.ValueKind == JsonValueKind.Object)
        {
            writer.WritePropertyName("cache_control"u8);
            cache.WriteTo(writer);
        }
    }
}
