namespace Relay.Core.Accounts;

/// <summary>Upstream wire families. Strings, because they are part of the Control API and the database.</summary>
public static class Platforms
{
    public const string Anthropic = "anthropic";

    /// <summary>OpenAI itself, any OpenAI-compatible host (OpenRouter, DeepSeek, vLLM, Ollama …), and Azure OpenAI.</summary>
    public const string OpenAI = "openai";

    public static IReadOnlyList<string> All { get; } = [Anthropic, OpenAI];

    public static bool IsKnown(string? platform) => platform is Anthropic or OpenAI;
}

/// <summary>How Relay authenticates to an account's upstream.</summary>
public static class AccountTypes
{
    public const string ApiKey = "api-key";

    /// <summary>A token set (access token, refresh token) from an OAuth sign-in, sent as <c>Authorization: Bearer</c>.</summary>
    public const string OAuth = "oauth";

    public static IReadOnlyList<string> All { get; } = [ApiKey, OAuth];

    public static bool IsKnown(string? type) => type is ApiKey or OAuth;
}

/// <summary>
/// The request shapes (APIs) an account serves. An Anthropic account serves <see cref="Messages"/>; an OpenAI
/// account serves <see cref="Chat"/> and, where the host has it, <see cref="Responses"/>.
/// </summary>
public static class WireShapes
{
    /// <summary>Anthropic Messages, <c>POST /v1/messages</c>.</summary>
    public const string Messages = "messages";

    /// <summary>OpenAI Chat Completions, <c>POST …/chat/completions</c>.</summary>
    public const string Chat = "chat";

    /// <summary>OpenAI Responses, <c>POST …/responses</c>.</summary>
    public const string Responses = "responses";

    public static IReadOnlyList<string> For(string platform) => platform == Platforms.OpenAI ? [Chat, Responses] : [Messages];

    /// <summary>
    /// What an account serves when the operator did not say: Anthropic accounts Messages; OpenAI itself both Chat
    /// and Responses; any other OpenAI-compatible host Chat only (few of them implement Responses, and sending
    /// Responses to one that does not would fail every such request).
    /// </summary>
    public static IReadOnlyList<string> Default(string platform, string baseUrl) => platform switch
    {
        Platforms.OpenAI when IsOpenAIItself(baseUrl) => [Chat, Responses],
        Platforms.OpenAI => [Chat],
        _ => [Messages],
    };

    private static bool IsOpenAIItself(string baseUrl) =>
        Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && string.Equals(uri.Host, "api.openai.com", StringComparison.OrdinalIgnoreCase);
}
