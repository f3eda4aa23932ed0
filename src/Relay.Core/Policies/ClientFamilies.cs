using Relay.Core.Snapshots;

namespace Relay.Core.Policies;

/// <summary>
/// Recognises clients by the product token of their User-Agent, ignoring the version so that client updates
/// never lock anyone out. Built in:
/// <list type="bullet">
/// <item><c>claude-code</c>: <c>claude-cli/2.0.14 (external, cli)</c> (also the Agent SDK's <c>sdk-ts</c> suffix).</item>
/// <item><c>codex-cli</c>: <c>codex_cli_rs/0.38.0 (Ubuntu 24.04; x86_64) …</c>; <c>codex exec</c> sends originator <c>codex_exec</c>.</item>
/// <item><c>gemini-cli</c>: <c>GeminiCLI/0.1.5 (linux; x64)</c>; newer versions insert the model, <c>GeminiCLI/0.9.0/gemini-2.5-pro (…)</c>.</item>
/// </list>
/// Operator patterns add families (or extend built-in ones) with a glob over the whole User-Agent.
/// </summary>
public sealed class ClientFamilies(IReadOnlyList<ClientPattern> operatorPatterns)
{
    public const string ClaudeCode = "claude-code";
    public const string CodexCli = "codex-cli";
    public const string GeminiCli = "gemini-cli";

    private static readonly (string Family, string Token)[] BuiltIn =
    [
        (ClaudeCode, "claude-cli"),
        (CodexCli, "codex_cli_rs"),
        (CodexCli, "codex_exec"),
        (GeminiCli, "GeminiCLI"),
    ];

    private readonly ClientPattern[] _patterns = [.. operatorPatterns];

    public static ClientFamilies BuiltInOnly { get; } = new([]);

    /// <summary>True if the User-Agent belongs to any of <paramref name="families"/>; an empty list allows every client.</summary>
    public bool IsAllowed(IReadOnlyList<string> families, string? userAgent)
    {
        if (families.Count == 0)
        {
            return true;
        }

        for (var i = 0; i < families.Count; i++)
        {
            if (Matches(families[i], userAgent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The family the User-Agent belongs to (operator patterns first), for usage breakdowns.</summary>
    public string? Detect(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return null;
        }

        foreach (var pattern in _patterns)
        {
            if (Glob.IsMatch(pattern.UserAgentGlob, userAgent))
            {
                return pattern.Family;
            }
        }

        foreach (var (family, token) in BuiltIn)
        {
            if (HasProductToken(userAgent, token))
            {
                return family;
            }
        }

        return null;
    }

    public bool Matches(string family, string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return false;
        }

        foreach (var (name, token) in BuiltIn)
        {
            if (string.Equals(name, family, StringComparison.OrdinalIgnoreCase) && HasProductToken(userAgent, token))
            {
                return true;
            }
        }

        foreach (var pattern in _patterns)
        {
            if (string.Equals(pattern.Family, family, StringComparison.OrdinalIgnoreCase) && Glob.IsMatch(pattern.UserAgentGlob, userAgent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// "token/…" as a product in the User-Agent: at the start or after a space, followed by '/', any version.
    /// A substring test would let "not-claude-cli/1" or "xclaude-cli/1" through.
    /// </summary>
    internal static bool HasProductToken(ReadOnlySpan<char> userAgent, ReadOnlySpan<char> token)
    {
        var rest = userAgent.TrimStart();
        while (!rest.IsEmpty)
        {
            if (rest.Length > token.Length && rest[token.Length] == '/' && rest.StartsWith(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var space = rest.IndexOf(' ');
            if (space < 0)
            {
                return false;
            }

            rest = rest[(space + 1)..].TrimStart();
        }

        return false;
    }
}
