using System.Text.Json;

namespace Relay.Protocols.Translation.Responses;

/// <summary>
/// Turns Responses content parts (<c>input_text</c>, <c>output_text</c>, <c>input_image</c>, <c>input_file</c>) into
/// Anthropic blocks. URLs are passed to Anthropic, which fetches them itself; Relay never fetches a URL from a
/// request body (that would let any key holder make the relay's network do requests for them).
/// </summary>
internal static class ResponsesContentConverter
{
    private static readonly string[] ImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    /// <summary>Appends the blocks of <paramref name="content"/> (a string or an array of parts) to <paramref name="blocks"/>.</summary>
    public static TranslationError? Convert(JsonElement content, string path, List<AnthropicBlock> blocks)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            AddText(content.GetString(), blocks);
            return null;
        }

        if (content.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return new TranslationError(path, "must be a string or an array of content parts.");
        }

        int index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var error = ConvertPart(part, $"{path}[{index++}]", blocks);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static TranslationError? ConvertPart(JsonElement part, string path, List<AnthropicBlock> blocks)
    {
        string? type = Json.String(part, "type");
        switch (type)
        {
            case "input_text" or "output_text" or "text" or "summary_text":
                AddText(Json.String(part, "text"), blocks);
                return null;
            case "refusal":
                AddText(Json.String(part, "refusal"), blocks);
                return null;
            case "input_image":
                return ConvertImage(part, path, blocks);
            case "input_file":
                return ConvertFile(part, path, blocks);
            default:
                return new TranslationError(path + ".type", $"content part type '{type}' cannot be sent to a Claude account.");
        }
    }

    private static TranslationError? ConvertImage(JsonElement part, string path, List<AnthropicBlock> blocks)
    {
        if (Json.String(part, "file_id") is not null)
        {
            return new TranslationError(path + ".file_id", "images stored in OpenAI's file store cannot be sent to a Claude account; send the image as a data URL.");
        }

        string? url = Json.String(part, "image_url");
        if (url is null)
        {
            return new TranslationError(path + ".image_url", "an image needs an image_url (a data URL or an http(s) URL).");
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseDataUrl(url, out string mediaType, out string data) || !ImageMediaTypes.Contains(mediaType))
            {
                return new TranslationError(path + ".image_url", "must be a base64 data URL of a JPEG, PNG, GIF or WebP image.");
            }

            blocks.Add(new MediaBlock("image", mediaType, data, Url: null));
            return null;
        }

        if (IsHttpUrl(url))
        {
            blocks.Add(new MediaBlock("image", MediaType: null, Base64Data: null, url));
            return null;
        }

        return new TranslationError(path + ".image_url", "must be a data URL or an http(s) URL.");
    }

    private static TranslationError? ConvertFile(JsonElement part, string path, List<AnthropicBlock> blocks)
    {
        if (Json.String(part, "file_data") is { } fileData)
        {
            // OpenAI accepts a data URL here; a bare base64 string is taken as a PDF, the only file type both sides share.
            string mediaType = "application/pdf", data = fileData;
            if (fileData.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && !TryParseDataUrl(fileData, out mediaType, out data))
            {
                return new TranslationError(path + ".file_data", "must be a base64 data URL.");
            }

            if (mediaType != "application/pdf")
            {
                return new TranslationError(path + ".file_data", $"files of type '{mediaType}' cannot be sent to a Claude account; PDF is supported.");
            }

            blocks.Add(new MediaBlock("document", mediaType, data, Url: null));
            return null;
        }

        if (Json.String(part, "file_url") is { } fileUrl && IsHttpUrl(fileUrl))
        {
            blocks.Add(new MediaBlock("document", MediaType: null, Base64Data: null, fileUrl));
            return null;
        }

        return new TranslationError(path, "a file must be given as file_data or an http(s) file_url; OpenAI file ids cannot be sent to a Claude account.");
    }

    /// <summary>Anthropic rejects empty text blocks; an empty part carries nothing, so it is left out.</summary>
    private static void AddText(string? text, List<AnthropicBlock> blocks)
    {
        if (!string.IsNullOrEmpty(text))
        {
            blocks.Add(new TextBlock(text));
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary><c>data:{media};base64,{data}</c>.</summary>
    private static bool TryParseDataUrl(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return false;
        }

        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = header[..^7].ToString().ToLowerInvariant();
        data = url[(comma + 1)..];
        return mediaType.Length > 0 && data.Length > 0;
    }
}
