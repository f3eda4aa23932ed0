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

    /// <summary>
    /// Who signed in, from the answer's id token claims (OpenID Connect providers) or its <c>account</c> object; the id
    /// token itself is not kept.
    /// </summary>
    public TokenIdentity? Identity { get; init; }
}

/// <summary>
/// Grants at a provider's token endpoint (RFC 6749): code exchange, device-code exchange and refresh, POSTed in the
/// provider's format through the account's own route (its proxy, if it has one). Never throws for what the endpoint does; never puts a token in an error.
/// </summary>
internal static class OAuthTokenClient
{
    /// <summary>The refresh grant; the provider's refresh scopes are asked for when it has any.</summary>
    public static Task<TokenResponse> RefreshAsync(HttpMessageInvoker invoker, OAuthProvider provider, string refreshToken, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, object>>
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
        };
        if (provider.Scopes is { } scopes)
        {
            fields.Add(new("scope", scopes));
        }

        return PostAsync(invoker, provider, fields, cancellationToken);
    }

    /// <summary>
    /// POSTs one grant to the provider's token endpoint in its format (form or JSON), adding <c>client_id</c> (and
    /// <c>client_secret</c> for confidential clients). Values are strings or integers (JSON numbers, e.g. <c>expires_in</c>).
    /// </summary>
    public static async Task<TokenResponse> PostAsync(
        HttpMessageInvoker invoker, OAuthProvider provider, IReadOnlyList<KeyValuePair<string, object>> grant, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, object>>(grant) { new("client_id", provider.ClientId) };
        if (provider.ClientSecret is { } clientSecret)
        {
            fields.Add(new("client_secret", clientSecret));
        }

        using var answer = await ProviderCall.PostAsync(invoker, provider.TokenUrl, Body(provider.TokenFormat, fields), "token endpoint", cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure)
        {
            return Unavailable(failure);
        }

        var root = answer.Root;
        var status = answer.Status;
        if (status is >= 200 and < 300 && ProviderCall.Text(root, "access_token", int.MaxValue) is { } accessToken)
        {
            return new TokenResponse
            {
                Answer = TokenAnswer.Issued,
                AccessToken = accessToken,
                RefreshToken = ProviderCall.Text(root, "refresh_token", int.MaxValue),
                ExpiresIn = ProviderCall.Seconds(root, "expires_in"),
                TokenType = ProviderCall.Text(root, "token_type"),
                Scope = ProviderCall.Text(root, "scope"),
                Identity = TokenIdentity.FromAnswer(root),
            };
        }

        // RFC 6749 §5.2: 400 (or 401 for client authentication) with an error code. Only the code is kept, never
        // error_description, which a provider may fill with anything.
        if (status is 400 or 401 && ProviderCall.Text(root, "error") is { } error && PastedCode.IsErrorCode(error))
        {
            return new TokenResponse { Answer = TokenAnswer.Rejected, Error = error };
        }

        return Unavailable($"token endpoint answered {status}");
    }

    private static HttpContent Body(TokenRequestFormat format, List<KeyValuePair<string, object>> fields)
    {
        if (format == TokenRequestFormat.Form)
        {
            return new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, Convert.ToString(f.Value, CultureInfo.InvariantCulture) ?? "")));
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                if (value is int number)
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                }
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static TokenResponse Unavailable(string reason) => new() { Answer = TokenAnswer.Unavailable, Error = reason };
}
