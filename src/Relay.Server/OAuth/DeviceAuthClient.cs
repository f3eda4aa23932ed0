using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Relay.Server.OAuth;

/// <summary>What the device endpoints answered.</summary>
internal enum DeviceAnswer
{
    /// <summary>A user code was issued, or the operator approved and an authorization code came back.</summary>
    Issued,

    /// <summary>The operator has not approved yet (the provider answers 403 or 404 while waiting).</summary>
    Pending,

    /// <summary>Denied, expired or otherwise refused: this device sign-in is over.</summary>
    Refused,

    /// <summary>Unreachable, timed out, 5xx or an unreadable answer: worth trying again.</summary>
    Unavailable,
}

/// <summary>One answer of a device endpoint. A class, not a record, so nothing prints the code or verifier.</summary>
internal sealed class DeviceResponse
{
    public DeviceAnswer Answer { get; init; }

    /// <summary>Relay's short description of a failure (a status, an error code); never a token.</summary>
    public string? Error { get; init; }

    public string? DeviceAuthId { get; init; }
    public string? UserCode { get; init; }
    public int? IntervalSeconds { get; init; }
    public int? ExpiresInSeconds { get; init; }
    public string? AuthorizationCode { get; init; }
    public string? CodeVerifier { get; init; }
}

/// <summary>
/// The device sign-in of OpenAI's auth server as Codex uses it (not RFC 8628's grant): a user code from
/// <see cref="OAuthProvider.DeviceCodeUrl"/>, then polls of <see cref="OAuthProvider.DeviceTokenUrl"/> that end with an
/// authorization code and the PKCE verifier the server generated, exchanged like a browser sign-in's code.
/// Sends Relay's own request only (JSON, no client identity headers). Never throws for what the endpoint does.
/// </summary>
internal static class DeviceAuthClient
{
    private const int MaxAnswerBytes = 64 * 1024;

    public static async Task<DeviceResponse> RequestUserCodeAsync(HttpMessageInvoker invoker, OAuthProvider provider, CancellationToken cancellationToken)
    {
        var (status, root, error) = await PostAsync(invoker, provider.DeviceCodeUrl!, new() { ["client_id"] = provider.ClientId }, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return Unavailable(error);
        }

        using (root)
        {
            if (status == 404)
            {
                return Unavailable("the provider answered 404: device sign-in is not enabled for this client");
            }

            var answer = root!.RootElement;
            if (status is >= 200 and < 300 && Text(answer, "device_auth_id") is { } deviceAuthId && (Text(answer, "user_code") ?? Text(answer, "usercode")) is { } userCode)
            {
                return new DeviceResponse
                {
                    Answer = DeviceAnswer.Issued,
                    DeviceAuthId = deviceAuthId,
                    UserCode = userCode,
                    IntervalSeconds = Seconds(answer, "interval"),
                    ExpiresInSeconds = Seconds(answer, "expires_in"),
                };
            }

            return Unavailable($"the provider's device endpoint answered {status}");
        }
    }

    public static async Task<DeviceResponse> PollAsync(HttpMessageInvoker invoker, OAuthProvider provider, string deviceAuthId, string userCode, CancellationToken cancellationToken)
    {
        var (status, root, error) = await PostAsync(
            invoker, provider.DeviceTokenUrl!, new() { ["device_auth_id"] = deviceAuthId, ["user_code"] = userCode }, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return Unavailable(error);
        }

        using (root)
        {
            // Codex's endpoint says "not yet" with 403 or 404 rather than RFC 8628's authorization_pending.
            if (status is 403 or 404)
            {
                return new DeviceResponse { Answer = DeviceAnswer.Pending };
            }

            var answer = root!.RootElement;
            if (status is >= 200 and < 300)
            {
                return Text(answer, "authorization_code") is { } code && Text(answer, "code_verifier") is { } verifier
                    ? new DeviceResponse { Answer = DeviceAnswer.Issued, AuthorizationCode = code, CodeVerifier = verifier }
                    : Unavailable($"the provider's device endpoint answered {status} without an authorization code");
            }

            if (status is >= 400 and < 500)
            {
                var code = Text(answer, "error") is { } e ? PastedCode.SafeErrorCode(e) : $"status {status.ToString(CultureInfo.InvariantCulture)}";
                return new DeviceResponse { Answer = DeviceAnswer.Refused, Error = code };
            }

            return Unavailable($"the provider's device endpoint answered {status}");
        }
    }

    private static async Task<(int Status, JsonDocument? Root, string? Error)> PostAsync(
        HttpMessageInvoker invoker, Uri url, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(fields)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > MaxAnswerBytes)
            {
                return (status, null, $"the provider's device endpoint answered {status} with an oversized body");
            }

            try
            {
                var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    document.Dispose();
                    document = JsonDocument.Parse("{}");
                }

                return (status, document, null);
            }
            catch (JsonException)
            {
                // A pending 403/404 or an error page need not be JSON; only the status matters then.
                return (status, JsonDocument.Parse("{}"), null);
            }
        }
        catch (OperationCanceledException)
        {
            // The caller's timeout (or its request going away): either way nothing usable came back.
            return (0, null, "the provider's device endpoint timed out");
        }
        catch (HttpRequestException ex)
        {
            return (0, null, $"the provider's device endpoint is unreachable ({ex.HttpRequestError})");
        }
        catch (ObjectDisposedException)
        {
            return (0, null, "the connection to the provider was closed; try again");
        }
    }

    private static DeviceResponse Unavailable(string reason) => new() { Answer = DeviceAnswer.Unavailable, Error = reason };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 4096 } text ? text : null;

    /// <summary>Seconds as a number or, as OpenAI sends <c>interval</c>, a numeric string.</summary>
    private static int? Seconds(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var n) && n > 0 => n,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
            _ => null,
        };
    }
}
