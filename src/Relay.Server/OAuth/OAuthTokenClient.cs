using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Relay.Server.OAuth;

/// <summary>What a token endpoint answered to a refresh.</summary>
internal enum TokenAnswer
{
    Issued,

    /// <summary>The endpoint refused the grant (RFC 6749 §5.2): retrying the same refresh token will not help.</summary>
    Rejected,

    /// <summary>Unreachable, timed out, 5xx or an unreadable answer: worth trying again later.</summary>
    Unavailable,
}

/// <summary>A token endpoint's answer; <see cref="Error"/> is the RFC 6749 error code or Relay's short description.</summary>
internal sealed class TokenResponse
{
    public TokenAnswer Answer { get; init; }
    public string? AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public int? ExpiresIn { get; init; }
    public string? TokenType { get; init; }
    public string? Scope { get; init; }
    public string? Error { get; init; }
}

/// <summary>
/// The refresh grant (RFC 6749 §6): a form-encoded POST to the provider's token endpoint through the account's own
/// route (its proxy, if it has one). Never throws for what the endpoint does; never puts a token in an error.
/// </summary>
internal static class OAuthTokenClient
{
    private const int MaxAnswerBytes = 64 * 1024;

    public static async Task<TokenResponse> RefreshAsync(HttpMessageInvoker invoker, OAuthProvider provider, string refreshToken, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", provider.ClientId),
        };
        if (provider.ClientSecret is { } clientSecret)
        {
            form.Add(new("client_secret", clientSecret));
        }

        if (provider.Scopes is { } scopes)
        {
            form.Add(new("scope", scopes));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, provider.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > MaxAnswerBytes)
            {
                return Unavailable($"token endpoint answered {status} with an oversized body");
            }

            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Unavailable($"token endpoint answered {status} without a JSON object");
            }

            if (status is >= 200 and < 300 && Text(root, "access_token") is { Length: > 0 } accessToken)
            {
                return new TokenResponse
                {
                    Answer = TokenAnswer.Issued,
                    AccessToken = accessToken,
                    RefreshToken = Text(root, "refresh_token") is { Length: > 0 } rotated ? rotated : null,
                    ExpiresIn = Seconds(root),
                    TokenType = Text(root, "token_type"),
                    Scope = Text(root, "scope"),
                };
            }

            // RFC 6749 §5.2: 400 (or 401 for client authentication) with an error code. Only the code is kept, never
            // error_description, which a provider may fill with anything.
            if (status is 400 or 401 && Text(root, "error") is { Length: > 0 and <= 64 } error && error.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return new TokenResponse { Answer = TokenAnswer.Rejected, Error = error };
            }

            return Unavailable($"token endpoint answered {status}");
        }
        catch (OperationCanceledException)
        {
            return Unavailable("token endpoint timed out");
        }
        catch (HttpRequestException ex)
        {
            return Unavailable($"token endpoint unreachable ({ex.HttpRequestError})");
        }
        catch (JsonException)
        {
            return Unavailable("token endpoint answered without JSON");
        }
    }

    private static TokenResponse Unavailable(string reason) => new() { Answer = TokenAnswer.Unavailable, Error = reason };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary><c>expires_in</c>: a number by the RFC, a numeric string from some providers.</summary>
    private static int? Seconds(JsonElement root)
    {
        if (!root.TryGetProperty("expires_in", out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) && n >= 0 => n,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }
}
