namespace Relay.Protocols.Translation.Chat;

/// <summary>
/// Thrown deep inside a request walk when a field cannot be expressed in the target format, and caught once at
/// the translator's entry point, which returns <see cref="Translated.Refused"/>. An exception keeps the nested walks
/// readable; it is rare (a client error) and never on the streaming path.
/// </summary>
internal sealed class TranslationRefusal(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
