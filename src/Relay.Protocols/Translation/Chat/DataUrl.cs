namespace Relay.Protocols.Translation.Chat;

/// <summary>Splits <c>data:{media type};base64,{data}</c>; other data URLs (not base64) are not accepted by Anthropic.</summary>
internal static class DataUrl
{
    public static bool TryParse(string url, out string mediaType, out string data)
    {
        mediaType = data = "";
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        int comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return false;
        }

        var head = url.AsSpan(5, comma - 5);
        if (!head.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = head[..^7].ToString().ToLowerInvariant();
        data = url[(comma + 1)..];
        return mediaType.Length > 0;
    }

    public static string Build(string mediaType, string data) => $"data:{mediaType};base64,{data}";
}
