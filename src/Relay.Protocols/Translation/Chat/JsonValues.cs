using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

/// <summary>Small typed reads of request fields that refuse with the field's path when the type is wrong.</summary>
internal static class JsonValues
{
    public static bool IsAbsent(JsonElement value) => value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    public static string String(JsonElement value, string field)
    {
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new TranslationRefusal(field, "must be a string.");
    }

    public static string? OptionalString(JsonElement parent, string name, string field)
    {
        return parent.TryGetProperty(name, out var value) && !IsAbsent(value) ? String(value, field) : null;
    }

    public static long PositiveInteger(JsonElement value, string field)
    {
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n > 0
            ? n
            : throw new TranslationRefusal(field, "must be a positive integer.");
    }

    public static double Number(JsonElement value, string field)
    {
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new TranslationRefusal(field, "must be a number.");
    }

    public static bool Boolean(JsonElement value, string field)
    {
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TranslationRefusal(field, "must be a boolean."),
        };
    }

    public static JsonElement Object(JsonElement value, string field)
    {
        return value.ValueKind == JsonValueKind.Object ? value : throw new TranslationRefusal(field, "must be an object.");
    }

    public static JsonElement Array(JsonElement value, string field)
    {
        return value.ValueKind == JsonValueKind.Array ? value : throw new TranslationRefusal(field, "must be an array.");
    }
}
