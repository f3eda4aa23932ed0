namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>Settings of <see cref="ResponsesToChatRequest.Translate"/> that belong to the relay, not to the request.</summary>
public sealed record ResponsesChatOptions
{
    public static ResponsesChatOptions Default { get; } = new();

    /// <summary>The model to put in the Chat request (the account's mapping); null keeps the requested model.</summary>
    public string? UpstreamModel { get; init; }

    /// <summary>
    /// Send reasoning back as <c>reasoning_content</c> on the assistant message it belongs to, when the reasoning item
    /// carries Relay's Chat envelope (see <see cref="ChatReasoningEnvelope"/>). DeepSeek's thinking models want it back
    /// inside a tool loop; other hosts reject or ignore the field, so it is off by default (as in
    /// <c>MessagesToChatRequest</c>). Reasoning of any other origin is always left out.
    /// </summary>
    public bool KeepReasoningContent { get; init; }

    /// <summary>Clock for <c>created_at</c>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
