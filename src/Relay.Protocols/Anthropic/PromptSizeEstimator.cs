using System.Text.Json;

namespace Relay.Protocols.Anthropic;

/// <summary>
/// A quick upper-leaning guess of a Messages request's prompt tokens, reserved against token and cost limits
/// before the request is sent and replaced by the real count after. It counts the bytes of every string value
/// at about four bytes a token, except base64 payloads (<c>data</c>) and thinking <c>signature</c>s, which are
/// not billed as text: each base64 block counts as <see cref="TokensPerBinaryBlock"/> (about a one-megapixel
/// image). Only run for keys and accounts that have token or cost limits.
/// </summary>
public static class PromptSizeEstimator
{
    public const int TokensPerBinaryBlock = 1_600;
    private const int BytesPerToken = 4;

    /// <returns>The estimate, or 0 for a body that is not JSON (the request is refused later anyway).</returns>
    public static long EstimateInputTokens(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        long textBytes = 0;
        long binaryBlocks = 0;
        var skipNext = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        skipNext = reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("signature"u8);
                        if (reader.ValueTextEquals("data"u8))
                        {
                            binaryBlocks++;
                        }

                        break;
                    case JsonTokenType.String:
                        if (!skipNext)
                        {
                            textBytes += reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                        }

                        skipNext = false;
                        break;
                    default:
                        skipNext = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return 0;
        }

        return (textBytes + BytesPerToken - 1) / BytesPerToken + binaryBlocks * TokensPerBinaryBlock;
    }
}
