using System.Buffers;
using System.Text.Json;
using Relay.Core.Accounts;
using Relay.Protocols.Anthropic;
using Relay.Protocols.OpenAI.Chat;

namespace Relay.Server.Forwarding.Exchanges;

/// <summary>
/// How a passed-through stream is ended when the upstream fails after the client's stream began: an error in the
/// client's own stream format, never a clean end that looks like a complete answer.
/// </summary>
internal static class ClientStreamErrors
{
    public static void Write(string clientShape, string errorType, string message, IBufferWriter<byte> output)
    {
        switch (clientShape)
        {
            case WireShapes.Chat:
                ChatErrors.WriteStreamError(output, errorType, message);
                break;
            case WireShapes.Responses:
                WriteResponsesError(output, message);
                break;
            default:
                output.Write(AnthropicErrors.StreamErrorEvent(errorType, message));
                break;
        }
    }

    /// <summary>The Responses stream's <c>error</c> event: Codex and the SDKs stop and report it (and Codex retries).</summary>
    private static void WriteResponsesError(IBufferWriter<byte> output, string message)
    {
        output.Write("event: error\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error"u8);
            writer.WriteString("code"u8, "server_error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteNull("param"u8);
            writer.WriteEndObject();
        }

        output.Write("\n\n"u8);
    }
}
