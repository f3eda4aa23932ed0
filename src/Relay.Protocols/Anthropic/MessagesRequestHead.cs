namespace Relay.Protocols.Anthropic;

/// <summary>
/// What the relay needs from a Messages request body before choosing an account: read once, the body itself is
/// forwarded as the original bytes.
/// </summary>
public readonly struct MessagesRequestHead
{
    internal MessagesRequestHead(string? model, bool stream, int modelValueStart, int modelValueLength, string? sessionKey)
    {
        Model = model;
        Stream = stream;
        ModelValueStart = modelValueStart;
        ModelValueLength = modelValueLength;
        SessionKey = sessionKey;
    }

    /// <summary>The requested model, unescaped.</summary>
    public string? Model { get; }

    /// <summary>True when the body has <c>"stream": true</c>.</summary>
    public bool Stream { get; }

    /// <summary>Byte offset of the model string token, at its opening quote, so the model can be spliced without re-serializing.</summary>
    public int ModelValueStart { get; }

    /// <summary>Length of the model string token in bytes, both quotes included.</summary>
    public int ModelValueLength { get; }

    /// <summary>A stable id of the conversation ("u:…" from metadata.user_id, "h:…" from a content hash), or null.</summary>
    public string? SessionKey { get; }
}
