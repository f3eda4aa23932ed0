using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// A Responses <c>custom</c> tool (free-form text input, e.g. Codex's <c>apply_patch</c>) as a JSON-schema tool sees
/// it (Claude's tools, Chat's function tools): a tool whose input is an object with one string property. The model
/// cannot be held to the tool's grammar, so the grammar is put into the description for the model to follow; the
/// client validates the input as it always does. Shared by the Responses ⇄ Anthropic and Responses ⇄ Chat translators.
/// </summary>
internal static class FreeformTool
{
    /// <summary>The single property of a free-form tool's input object.</summary>
    public const string InputProperty = "input";

    /// <summary>The tool's description, followed by the grammar its input must follow, which the model cannot be held to otherwise.</summary>
    public static string? Describe(JsonElement tool)
    {
        string? description = Json.String(tool, "description");
        if (!Json.TryGet(tool, "format", out var format) || Json.String(format, "type") != "grammar")
        {
            return description;
        }

        string syntax = Json.String(format, "syntax") ?? "lark";
        string definition = Json.String(format, "definition") ?? "";
        return $"{description}\n\nCall this tool with the raw text as \"{InputProperty}\"; the text must follow this {syntax} grammar:\n{definition}";
    }

    /// <summary>The input schema: an object with one required string property, nothing else.</summary>
    public static void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "object"u8);
        writer.WriteStartObject("properties"u8);
        writer.WriteStartObject(InputProperty);
        writer.WriteString("type"u8, "string"u8);
        writer.WriteString("description"u8, "The raw input text of the tool."u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("required"u8);
        writer.WriteStringValue(InputProperty);
        writer.WriteEndArray();
        writer.WriteBoolean("additionalProperties"u8, false);
        writer.WriteEndObject();
    }
}
