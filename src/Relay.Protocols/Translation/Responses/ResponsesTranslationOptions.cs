namespace Relay.Protocols.Translation.Responses;

/// <summary>Settings of <see cref="ResponsesToMessagesRequest.Translate"/> that belong to the relay, not to the request.</summary>
public sealed record ResponsesTranslationOptions
{
    /// <summary>
    /// <c>max_tokens</c> when the client sends no <c>max_output_tokens</c> (Codex never does; Anthropic requires
    /// it). 32,000 is within every current Claude model's output limit (Opus 4.1's is 32K, the others' 64K), and
    /// leaves room for the largest thinking budget plus an answer.
    /// </summary>
    public const int DefaultMaxOutputTokensValue = 32_000;

    public static ResponsesTranslationOptions Default { get; } = new();

    /// <summary>The model to put in the Anthropic request (the account's mapping); null keeps the requested model.</summary>
    public string? UpstreamModel { get; init; }

    /// <inheritdoc cref="DefaultMaxOutputTokensValue"/>
    public int DefaultMaxOutputTokens { get; init; } = DefaultMaxOutputTokensValue;

    /// <summary>
    /// Responses callers never mark cache breakpoints (OpenAI caches prefixes automatically); Anthropic caches only
    /// up to explicit <c>cache_control</c> markers. When true (default) Relay marks the last tool, the end of the
    /// system prompt and the last block of the conversation, so a Codex session reads its history from cache
    /// on every turn instead of paying full input price.
    /// </summary>
    public bool AddCacheBreakpoints { get; init; } = true;

    /// <summary>Clock for <c>created_at</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
