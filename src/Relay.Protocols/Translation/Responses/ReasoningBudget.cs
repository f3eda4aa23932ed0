namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// <c>reasoning.effort</c> → Anthropic <c>thinking.budget_tokens</c>. Anthropic's minimum budget is 1,024 and the
/// budget counts against <c>max_tokens</c>; the top of the scale matches Claude Code's largest budget (31,999).
/// </summary>
internal static class ReasoningBudget
{
    /// <summary>Tokens kept for the answer after thinking: the budget is clamped to <c>max_tokens</c> minus this.</summary>
    public const int AnswerReserve = 1024;

    public const int Minimum = 1024;

    /// <summary>The budget for an effort, 0 for none; false for an effort OpenAI does not define.</summary>
    public static bool TryGet(string effort, out int budget)
    {
        budget = effort switch
        {
            "none" => 0,
            "minimal" => 1024,
            "low" => 4096,
            "medium" => 10_000,
            "high" => 20_000,
            "xhigh" => 31_999,
            _ => -1,
        };
        return budget >= 0;
    }

    /// <summary>The budget that fits <paramref name="maxTokens"/>; 0 (thinking off) when less than Anthropic's minimum is left.</summary>
    public static int Fit(int budget, long maxTokens)
    {
        long fitted = Math.Min(budget, maxTokens - AnswerReserve);
        return fitted < Minimum ? 0 : (int)fitted;
    }
}
