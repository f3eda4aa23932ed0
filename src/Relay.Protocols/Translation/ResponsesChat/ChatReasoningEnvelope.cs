using System.Text;

namespace Relay.Protocols.Translation.ResponsesChat;

/// <summary>
/// Carries a Chat host's reasoning text (<c>reasoning_content</c>, DeepSeek's field) through a Responses client inside a
/// reasoning item's <c>encrypted_content</c>, so it can be given back to the host on the next turn. Format, version 1:
/// the ASCII prefix <c>relay.chat.v1:</c> followed by standard base64 of the UTF-8 text. Not secret (the host's own
/// words); not Anthropic's envelope either, so the Responses ⇄ Anthropic translator treats it as foreign and leaves it out.
/// </summary>
internal static class ChatReasoningEnvelope
{
    public const string Prefix = "relay.chat.v1:";

    public static string Encode(string reasoning) => Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(reasoning));

    /// <summary>The text inside a value carrying <see cref="Prefix"/>; false for any other value or a damaged one.</summary>
    public static bool TryDecode(string? encryptedContent, out string reasoning)
    {
        reasoning = "";
        if (encryptedContent is null || !encryptedContent.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            reasoning = Encoding.UTF8.GetString(Convert.FromBase64String(encryptedContent[Prefix.Length..]));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
