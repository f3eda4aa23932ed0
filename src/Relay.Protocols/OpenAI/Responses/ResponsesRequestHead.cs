namespace Relay.Protocols.OpenAI.Responses;

/// <summary>
/// What the relay needs from a <c>POST /v1/responses</c> body before choosing an account. For an OpenAI account
/// the body is forwarded as the original bytes; the model can be spliced in place with
/// <see cref="Anthropic.ModelRewriter"/>, which works on any JSON body given the token range below.
/// </summary>
public readonly struct ResponsesRequestHead
{
    internal ResponsesRequestHead(
        string model, bool stream, int modelValueStart, int modelValueLength, string? promptCacheKey, string? previousResponseId)
    {
        Model = model;
        Stream = stream;
        ModelValueStart = modelValueStart;
        ModelValueLength = modelValueLength;
        PromptCacheKey = promptCacheKey;
        PreviousResponseId = previousResponseId;
    }

    /// <summary>The requested model, unescaped.</summary>
    public string Model { get; }

    /// <summary>True when the body has <c>"stream": true</c>.</summary>
    public bool Stream { get; }

    /// <summary>Byte offset of the model string token (at its opening quote), for <see cref="Anthropic.ModelRewriter"/>.</summary>
    public int ModelValueStart { get; }

    /// <summary>Length of the model string token in bytes, both quotes included.</summary>
    public int ModelValueLength { get; }

    /// <summary>
    /// <c>prompt_cache_key</c>: Codex sets it to its thread id, so it is the natural conversation key for sticky
    /// routing. Null when absent.
    /// </summary>
    public string? PromptCacheKey { get; }

    /// <summary>
    /// <c>previous_response_id</c>, null when absent. A request that continues a stored conversation can only be served
    /// by the OpenAI account that stored it.
    /// </summary>
    public string? PreviousResponseId { get; }
}
