using Relay.Core.Admission;

namespace Relay.Server.Inference;

/// <summary>
/// How admission refusals look in Anthropic's wire shape. Budgets use 402 <c>billing_error</c> (Anthropic's own
/// status for "no credit left"): the SDKs and Claude Code do not retry it, which is right for a budget that
/// resets tomorrow, while they do retry 429 <c>rate_limit_error</c>, which is right for a sliding rate.
/// </summary>
internal static class AnthropicRefusals
{
    public static (int Status, string Type) StatusAndType(RefusalKind kind) => kind switch
    {
        RefusalKind.PolicyDenied => (StatusCodes.Status403Forbidden, "permission_error"),
        RefusalKind.BudgetSpent => (StatusCodes.Status402PaymentRequired, "billing_error"),
        RefusalKind.DedicatedAccountUnavailable => (StatusCodes.Status503ServiceUnavailable, "api_error"),
        _ => (StatusCodes.Status429TooManyRequests, "rate_limit_error"),
    };
}
