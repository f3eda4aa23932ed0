using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Relay.Server.OAuth;

/// <summary>
/// What a provider's auth endpoint answered: its status and JSON object (an empty object when the body was not one —
/// a pending 403 or an error page tells by its status alone), or <see cref="Failure"/> when nothing usable came back.
/// Disposing releases the document.
/// </summary>
internal sealed class ProviderAnswer(int status, JsonDocument? document, string? failure) : IDisposable
{
    public int Status { get; } = status;

    /// <summary>Relay's words for why there is no answer (timed out, unreachable, oversized); null when there is one.</summary>
    public string? Failure { get; } = failure;

    public JsonElement Root => document?.RootElement ?? default;

    public void Dispose() => document?.Dispose();
}

/// <summary>
/// One POST to a provider's auth endpoint (token, device code, device poll) through the account's route, read the
/// same way for every caller: bounded, as JSON, never throwing for what the endpoint or the network does, and never
/// putting what was sent (a code, a token) in a failure's words.
/// </summary>
internal static class ProviderCall
{
    private const int MaxAnswerBytes = 64 * 1024;

    /// <param name="endpoint">How failures name the endpoint, e.g. "token endpoint".</param>
    public static async Task<ProviderAnswer> PostAsync(HttpMessageInvoker invoker, Uri url, HttpContent content, string endpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > MaxAnswerBytes
                ? new ProviderAnswer(status, null, $"{endpoint} answered {status} with an oversized body")
                : new ProviderAnswer(status, JsonObjectOrEmpty(body), null);
        }
        catch (OperationCanceledException)
        {
            // The caller's timeout (or its request going away): either way nothing usable came back.
            return new ProviderAnswer(0, null, $"{endpoint} timed out");
        }
        catch (HttpRequestException ex)
        {
            return new ProviderAnswer(0, null, $"{endpoint} unreachable ({ex.HttpRequestError})");
        }
        catch (ObjectDisposedException)
        {
            return new ProviderAnswer(0, null, "the connection to the provider was closed; try again");
        }
    }

    /// <summary>A string member of at most <paramref name="maxLength"/> characters; null when absent, empty, longer, or not a string.</summary>
    public static string? Text(JsonElement root, string name, int maxLength = 4096) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { Length: > 0 } text && text.Length <= maxLength ? text : null;

    /// <summary>
    /// A count of seconds as the RFC has it (a number) or as some providers send it (a numeric string, e.g. OpenAI's
    /// device <c>interval</c>); null when absent, unreadable or below <paramref name="minimum"/>.
    /// </summary>
    public static int? Seconds(JsonElement root, string name, int minimum = 0)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value))
        {
            return null;
        }

        int? seconds = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) => n,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
        return seconds >= minimum ? seconds : null;
    }

    private static JsonDocument JsonObjectOrEmpty(byte[] body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Not JSON: the status is all there is.
        }

        return JsonDocument.Parse("{}");
    }
}
