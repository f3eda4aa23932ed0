namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// How Anthropic thinking travels through the Chat format. Chat has no standard field, so Relay writes both
/// conventions clients read today:
/// <list type="bullet">
/// <item><c>reasoning_content</c> — the thinking text (DeepSeek's field; read by Cline, Roo, Continue, LiteLLM).</item>
/// <item><c>reasoning_details</c> — OpenRouter's array, one entry per thinking block:
/// <c>{"type":"reasoning.text","text":…,"signature":…,"format":"anthropic-claude-v1","index":n}</c>, and
/// <c>{"type":"reasoning.encrypted","data":…,"format":…,"index":n}</c> for redacted thinking. Clients that replay it
/// on the next turn (Cline, Roo, Kilo, the OpenRouter AI SDK provider) keep Anthropic's signature intact, which
/// Anthropic requires for a tool loop with thinking.</item>
/// </list>
/// On the way back Relay also accepts LiteLLM's <c>thinking_blocks</c>.
/// </summary>
public static class ReasoningDetails
{
    /// <summary>The <c>format</c> Relay writes and the only one it sends back to Anthropic.</summary>
    public const string AnthropicFormat = "anthropic-claude-v1";

    public const string TextType = "reasoning.text";

    public const string EncryptedType = "reasoning.encrypted";
}
