namespace Relay.Protocols.Translation;

/// <summary>
/// A request (or part of one) that the target wire format cannot express. Translators never drop such a field
/// silently: they return this, and the relay answers 400 in the caller's own error shape with the message,
/// e.g. <c>Field 'messages[2].content[0].audio': audio input cannot be sent to an Anthropic account.</c>
/// </summary>
/// <param name="Field">The JSON path of the field at fault in the caller's request, e.g. <c>messages[2].content[0]</c>.</param>
/// <param name="Message">What is wrong, written for the caller.</param>
public sealed record TranslationError(string Field, string Message)
{
    public override string ToString() => $"Field '{Field}': {Message}";
}

/// <summary>The outcome of translating a request or a whole (non-streamed) response body.</summary>
public readonly record struct Translated(byte[]? Body, TranslationError? Error)
{
    public bool Ok => Error is null;

    public static Translated Success(byte[] body) => new(body, null);

    public static Translated Refused(string field, string message) => new(null, new TranslationError(field, message));
}
