namespace Relay.Core.Scheduling;

/// <summary>
/// What a request is expected to use before it is sent: reserved against token and cost limits, then replaced by
/// the real figures. <see cref="Tokens"/> estimates the prompt only (see <c>PromptSizeEstimator</c>); output is
/// counted when it is known, because <c>max_tokens</c> is a ceiling clients set far above what they use.
/// </summary>
public readonly record struct UsageEstimate(decimal Tokens, decimal Cost)
{
    public static UsageEstimate None => default;
}
