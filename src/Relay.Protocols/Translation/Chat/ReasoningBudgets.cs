namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// OpenAI reasoning effort ⇄ Anthropic thinking budget. OpenAI names a level; Anthropic takes a token budget
/// (at least 1,024, counted inside max_tokens). Budgets are powers of two within the range peers use (LiteLLM,
/// LLMux, claude-code-router use 1k–32k); the reverse direction splits at the midpoints so a round trip keeps the level.
/// </summary>
public static class ReasoningBudgets
{
    /// <summary>Anthropic's smallest allowed thinking budget.</summary>
    public const int Minimum = 1024;

    /// <summary>
    /// The budget for an effort: minimal 1,024; low 2,048; medium 8,192; high 16,384; xhigh 32,768.
    /// Null for <c>none</c> (no thinking) and for unknown levels (the caller refuses those).
    /// </summary>
    public static int? BudgetFor(string effort) => effort switch
    {
        "minimal" => Minimum,
        "low" => 2048,
        "medium" => 8192,
        "high" => 16384,
        "xhigh" => 32768,
        _ => null,
    };

    /// <summary>The effort for a budget: under 4,096 low, under 16,384 medium, otherwise high.</summary>
    public static string EffortFor(long budgetTokens) => budgetTokens switch
    {
        < 4096 => "low",
        < 16384 => "medium",
        _ => "high",
    };
}
