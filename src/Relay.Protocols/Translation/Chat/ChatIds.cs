namespace Relay.Protocols.Translation.Chat;

/// <summary>Response ids across the two formats: the upstream id is kept inside the translated one so logs on both sides can be matched.</summary>
internal static class ChatIds
{
    public static string CompletionId(string messageId) => "chatcmpl-" + (messageId.StartsWith("msg_", StringComparison.Ordinal) ? messageId[4..] : messageId);

    public static string MessageId(string completionId) => "msg_" + (completionId.StartsWith("chatcmpl-", StringComparison.Ordinal) ? completionId[9..] : completionId);
}
