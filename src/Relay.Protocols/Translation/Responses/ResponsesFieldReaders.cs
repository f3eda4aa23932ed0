using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Readers for the top-level fields of a Responses request that mean the same whichever account answers it (a Claude
/// account through <see cref="RequestFields"/>, a Chat host through <c>ChatRequestFields</c>): each checks one value,
/// hands it to the setter, and names the field when it refuses. <c>null</c> means "not given" everywhere but
/// <c>model</c>.
/// </summary>
internal static class ResponsesFieldReaders
{
    public static TranslationError? Model(JsonElement value, Action<string> set)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } model)
        {
            return new TranslationError("model", "is required and must be a string.");
        }

        set(model);
        return null;
    }

    public static TranslationError? MaxOutputTokens(JsonElement value, Action<long> set)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long tokens) || tokens < 1)
        {
            return new TranslationError("max_output_tokens", "must be a positive integer.");
        }

        set(tokens);
        return null;
    }

    /// <summary><c>reasoning.effort</c> (checked against the known levels) and <c>summary</c> / <c>generate_summary</c>.</summary>
    public static TranslationError? Reasoning(JsonElement value, Action<string> setEffort, Action<string?> setSummary)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return new TranslationError("reasoning", "must be an object.");
        }

        if (Json.TryGet(value, "effort", out var effort))
        {
            if (effort.ValueKind != JsonValueKind.String || !ReasoningBudget.TryGet(effort.GetString()!, out _))
            {
                return new TranslationError("reasoning.effort", "must be one of none, minimal, low, medium, high, xhigh.");
            }

            setEffort(effort.GetString()!);
        }

        setSummary(Json.String(value, "summary") ?? Json.String(value, "generate_summary"));
        return null;
    }

    public static TranslationError? Bool(JsonElement value, string name, Action<bool> set)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                set(value.ValueKind == JsonValueKind.True);
                return null;
            case JsonValueKind.Null:
                return null;
            default:
                return new TranslationError(name, "must be a boolean.");
        }
    }

    public static TranslationError? Number(JsonElement value, string name, double min, double max, Action<double> set)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var number && (number < min || number > max))
        {
            return new TranslationError(name, $"must be a number from {min} to {max}.");
        }

        set(number);
        return null;
    }

    public static TranslationError? String(JsonElement value, string name, Action<string> set)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return new TranslationError(name, "must be a string.");
        }

        set(value.GetString()!);
        return null;
    }
}
