namespace Relay.Core.Snapshots;

/// <summary>
/// Matches model names against glob patterns where <c>*</c> is any run of characters and
/// <c>?</c> one character (e.g. <c>claude-*-haiku-*</c>). Case-insensitive, since providers are.
/// An empty pattern list matches everything.
/// </summary>
public sealed class ModelMatcher(IReadOnlyList<string> patterns)
{
    private readonly string[] _patterns = [.. patterns];

    public bool IsEmpty => _patterns.Length == 0;

    public bool Matches(string model)
    {
        if (_patterns.Length == 0)
        {
            return true;
        }

        foreach (var pattern in _patterns)
        {
            if (Glob.IsMatch(pattern, model))
            {
                return true;
            }
        }

        return false;
    }
}

public static class Glob
{
    /// <summary>Iterative glob match with single backtrack point: linear in practice, no regex, no allocation.</summary>
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
