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
    public static async Task<DeviceResponse> RequestUserCodeAsync(HttpMessageInvoker invoker, OAuthProvider provider, CancellationToken cancellationToken)
    {
        using var reply = await PostAsync(invoker, provider.DeviceCodeUrl!, new() { ["client_id"] = provider.ClientId }, cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure)
        {
            return Unavailable(failure);
        }

        var status = reply.Status;
        var answer = reply.Root;

        if (status == 404)
        {
            return Unavailable("the provider answered 404: device sign-in is not enabled for this client");
        }

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

    public static async Task<DeviceResponse> PollAsync(HttpMessageInvoker invoker, OAuthProvider provider, string deviceAuthId, string userCode, CancellationToken cancellationToken)
    {
        using var reply = await PostAsync(
            invoker, provider.DeviceTokenUrl!, new() { ["device_auth_id"] = deviceAuthId, ["user_code"] = userCode }, cancellationToken).ConfigureAwait(false);
        if (reply.Failure is { } failure)
        {
            return Unavailable(failure);
        }

        var status = reply.Status;
        var answer = reply.Root;

        // Codex's endpoint says "not yet" with 403 or 404 rather than RFC 8628's authorization_pending.
        if (status is 403 or 404)
        {
            return new DeviceResponse { Answer = DeviceAnswer.Pending };
        }

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

    private static Task<ProviderAnswer> PostAsync(HttpMessageInvoker invoker, Uri url, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(fields));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return ProviderCall.PostAsync(invoker, url, content, "the provider's device endpoint", cancellationToken);
    }

    private static DeviceResponse Unavailable(string reason) => new() { Answer = DeviceAnswer.Unavailable, Error = reason };

    private static string? Text(JsonElement root, string name) => ProviderCall.Text(root, name);

    private static int? Seconds(JsonElement root, string name) => ProviderCall.Seconds(root, name, minimum: 1);
}
