using System.Security.Cryptography;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// What the response translators need to know about the Responses request they answer: produced by
/// <see cref="ResponsesToMessagesRequest.Translate"/> and handed, unchanged, to
/// <see cref="MessagesToResponsesResponse.Translate"/> or <see cref="MessagesToResponsesStream"/>.
/// Immutable; one per request.
/// </summary>
public sealed class ResponsesTurn
{
    internal ResponsesTurn(string responseId, long createdAt, string requestedModel, IReadOnlySet<string> freeformToolNames)
    {
        ResponseId = responseId;
        CreatedAt = createdAt;
        RequestedModel = requestedModel;
        FreeformToolNames = freeformToolNames;
    }

    /// <summary>The <c>resp_…</c> id of the answer; item ids are derived from it.</summary>
    public string ResponseId { get; }

    /// <summary><c>created_at</c>, Unix seconds, taken when the request was translated.</summary>
    public long CreatedAt { get; }

    /// <summary>The model the client asked for (the answer reports the model the upstream names).</summary>
    public string RequestedModel { get; }

    /// <summary>
    /// Names of the request's <c>custom</c> (free-form) tools: Claude's calls to them are answered as
    /// <c>custom_tool_call</c> items with a string <c>input</c>, not as <c>function_call</c> items.
    /// </summary>
    public IReadOnlySet<string> FreeformToolNames { get; }

    /// <summary>
    /// Tools the request offered inside a <c>namespace</c>, by the flat name the model (Claude, or a Chat Completions
    /// host) calls them with: its calls are answered with the tool's own name and its <c>namespace</c>, as OpenAI answers them.
    /// </summary>
    public IReadOnlyDictionary<string, (string Namespace, string Name)> NamespacedTools { get; init; } =
        new Dictionary<string, (string Namespace, string Name)>(StringComparer.Ordinal);

    /// <summary>
    /// <see cref="NamespacedTools"/> from a request's flattened tools (flat name, namespace or null, the tool's own
    /// name), for both translators. A repeated flat name is the upstream's to refuse (a 400 to the client), not a
    /// reason to fail here: the first one is kept.
    /// </summary>
    internal static Dictionary<string, (string Namespace, string Name)> NamespaceMap(IEnumerable<(string FlatName, string? Namespace, string? ClientName)> tools) =>
        tools.Where(t => t.Namespace is not null).DistinctBy(t => t.FlatName)
            .ToDictionary(t => t.FlatName, t => (t.Namespace!, t.ClientName!), StringComparer.Ordinal);

    /// <summary>The name and namespace (null for a top-level tool) the client knows Claude's tool <paramref name="claudeName"/> by.</summary>
    internal (string Name, string? Namespace) ClientTool(string claudeName) =>
        NamespacedTools.TryGetValue(claudeName, out var tool) ? (tool.Name, tool.Namespace) : (claudeName, null);

    /// <summary><c>max_output_tokens</c> as the client sent it (echoed in the response object), or null.</summary>
    public long? MaxOutputTokens { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    /// <summary><c>reasoning.effort</c> as sent, echoed; null when absent.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary><c>reasoning.summary</c> as sent, echoed; null when absent.</summary>
    public string? ReasoningSummary { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    public bool Store { get; init; }

    internal static string NewResponseId() => "resp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Item ids share the response id's random part, so an item can be traced to its response: <c>msg_…_2</c>.</summary>
    internal string ItemId(string prefix, int outputIndex)
    {
        string suffix = ResponseId.StartsWith("resp_", StringComparison.Ordinal) ? ResponseId[5..] : ResponseId;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}_{suffix}_{outputIndex}");
    }

    /// <summary>A turn for tests and for callers that translate an answer without the request.</summary>
    internal static ResponsesTurn Create(string responseId, long createdAt, string requestedModel, params string[] freeformToolNames) =>
        new(responseId, createdAt, requestedModel, new HashSet<string>(freeformToolNames, StringComparer.Ordinal));
}
