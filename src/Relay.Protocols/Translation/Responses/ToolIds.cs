namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Anthropic tool-use ids must match <c>^[a-zA-Z0-9_-]+$</c>. Claude's own ids (<c>toolu_…</c>) and OpenAI's
/// (<c>call_…</c>) already do; any other character is replaced by <c>_</c>, the same way for a call and its output,
/// so the pair still matches.
/// </summary>
internal static class ToolIds
{
    public static string ToAnthropic(string callId)
    {
        if (callId.Length == 0)
        {
            return "_";
        }

        foreach (char c in callId)
        {
            if (!IsAllowed(c))
            {
                return string.Create(callId.Length, callId, static (span, id) =>
                {
                    for (int i = 0; i < id.Length; i++)
                    {
                        span[i] = IsAllowed(id[i]) ? id[i] : '_';
                    }
                });
            }
        }

        return callId;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
