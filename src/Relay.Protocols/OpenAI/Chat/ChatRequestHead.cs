namespace Relay.Protocols.OpenAI.Chat;

/// <summary>What the relay needs from a Chat Completions request before choosing an account.</summary>
/// <param name="Model">The requested model.</param>
/// <param name="ModelValueStart">Byte offset of the model's JSON string token (quotes included), for <see cref="Anthropic.ModelRewriter"/>.</param>
/// <param name="ModelValueLength">Byte length of that token.</param>
/// <param name="Stream"><c>stream: true</c>.</param>
/// <param name="IncludeUsage">The client itself asked for <c>stream_options.include_usage: true</c>.</param>
public readonly record struct ChatRequestHead(string Model, int ModelValueStart, int ModelValueLength, bool Stream, bool IncludeUsage);
