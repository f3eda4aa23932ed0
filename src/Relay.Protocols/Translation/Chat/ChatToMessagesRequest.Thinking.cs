using System.Text.Json;

namespace Relay.Protocols.Translation.Chat;

public static partial class ChatToMessagesRequest
{
    /// <summary>
    /// The thinking budget the client asked for, from (first match wins) an Anthropic-style <c>thinking</c> object
    /// (sent by LiteLLM-style clients), OpenRouter's <c>reasoning</c> object (<c>max_tokens</c> or <c>effort</c>), or
    /// OpenAI's <c>reasoning_effort</c> (see <see cref="ReasoningBudgets"/>). Null: no thinking.
    /// </summary>
    private static int? ReadThinkingBudget(JsonElement root)
    {
        if (root.TryGetProperty("thinking", out var thinking) && !JsonValues.IsAbsent(thinking))
        {
            JsonValues.Object(thinking, "thinking");
            string type = JsonValues.OptionalString(thinking, "type", "thinking.type") ?? "enabled";
            if (type == "disabled")
            {
                return null;
            }

            if (type != "enabled" || !thinking.TryGetProperty("budget_tokens", out var budget))
            {
                throw new TranslationRefusal("thinking", "must be {\"type\":\"enabled\",\"budget_tokens\":n} or {\"type\":\"disabled\"}.");
            }

            return Budget(JsonValues.PositiveInteger(budget, "thinking.budget_tokens"), "thinking.budget_tokens");
        }

        if (root.TryGetProperty("reasoning", out var reasoning) && !JsonValues.IsAbsent(reasoning))
        {
            JsonValues.Object(reasoning, "reasoning");
            if (reasoning.TryGetProperty("enabled", out var enabled) && enabled.ValueKind == JsonValueKind.False)
            {
                return null;
            }

            if (reasoning.TryGetProperty("max_tokens", out var max) && !JsonValues.IsAbsent(max))
            {
                return Budget(JsonValues.PositiveInteger(max, "reasoning.max_tokens"), "reasoning.max_tokens");
            }

            string? effort = JsonValues.OptionalString(reasoning, "effort", "reasoning.effort");
            if (effort is not null)
            {
                return EffortBudget(effort, "reasoning.effort");
            }

            return enabled.ValueKind == JsonValueKind.True ? ReasoningBudgets.BudgetFor("medium") : null;
        }

        string? reasoningEffort = JsonValues.OptionalString(root, "reasoning_effort", "reasoning_effort");
        return reasoningEffort is null ? null : EffortBudget(reasoningEffort, "reasoning_effort");
    }

    private static int? EffortBudget(string effort, string field)
    {
        if (effort == "none")
        {
            return null;
        }

        return ReasoningBudgets.BudgetFor(effort)
            ?? throw new TranslationRefusal(field, $"'{effort}' is not a known effort (none, minimal, low, medium, high, xhigh).");
    }

    private static int Budget(long tokens, string field)
    {
        return tokens is >= ReasoningBudgets.Minimum and <= int.MaxValue
            ? (int)tokens
            : throw new TranslationRefusal(field, $"must be at least {ReasoningBudgets.Minimum} (Anthropic's smallest thinking budget).");
    }

    private static void WriteThinking(int? budget, Utf8JsonWriter writer)
    {
        if (budget is int tokens)
        {
            writer.WriteStartObject("thinking"u8);
            writer.WriteString("type"u8, "enabled"u8);
            writer.WriteNumber("budget_tokens"u8, tokens);
            writer.WriteEndObject();
        }
    }
}
