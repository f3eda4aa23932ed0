using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>
/// The device sign-in as OpenAI's auth server runs it for Codex: <c>POST /deviceauth/usercode</c> issues a handle, a
/// user code and the poll interval (a string of seconds); <c>POST /deviceauth/token</c> answers 403 while the user has
/// not approved (<see cref="ApproveDevice"/>), 400 after <see cref="DenyDevice"/>, and once approved the authorization
/// code with the PKCE pair the server made, exchanged at the token endpoint with the device redirect URI.
/// </summary>
public sealed partial class FakeOAuthProvider
{
    private readonly Lock _deviceLock = new();
    private string? _deviceAuthId;
    private string? _userCode;
    private bool _approved;
    private bool _denied;
    private int _devicePolls;

    /// <summary>The <c>interval</c> the usercode answer carries (a string, as OpenAI sends it).</summary>
    public string DeviceInterval { get; set; } = "1";

    /// <summary>Token polls received.</summary>
    public int DevicePolls => Volatile.Read(ref _devicePolls);

    /// <summary>The user code last issued (what the operator would type at the verification page).</summary>
    public string? UserCode
    {
        get
        {
            lock (_deviceLock)
            {
                return _userCode;
            }
        }
    }

    /// <summary>The operator entered the user code and approved.</summary>
    public void ApproveDevice()
    {
        lock (_deviceLock)
        {
            _approved = true;
        }
    }

    public void DenyDevice()
    {
        lock (_deviceLock)
        {
            _denied = true;
        }
    }

    private async Task UserCodeAsync(HttpContext context)
    {
        if (Down)
        {
            context.Abort();
            return;
        }

        var fields = await ReadFieldsAsync(context).ConfigureAwait(false);
        if (fields.GetValueOrDefault("client_id") != ClientId)
        {
            await WriteAsync(context, 400, new Dictionary<string, object> { ["error"] = "invalid_client" }).ConfigureAwait(false);
            return;
        }

        Dictionary<string, object> answer;
        lock (_deviceLock)
        {
            _deviceAuthId = "fake-device-" + RelayServer.RandomToken(24);
            _userCode = $"{RelayServer.RandomToken(4).ToUpperInvariant()}-{RelayServer.RandomToken(4).ToUpperInvariant()}";
            _approved = false;
            _denied = false;
            Remember(_deviceAuthId);
            answer = new Dictionary<string, object> { ["device_auth_id"] = _deviceAuthId, ["user_code"] = _userCode, ["interval"] = DeviceInterval };
        }

        await WriteAsync(context, 200, answer).ConfigureAwait(false);
    }

    private async Task DeviceTokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _devicePolls);
        if (Down)
        {
            context.Abort();
            return;
        }

        var fields = await ReadFieldsAsync(context).ConfigureAwait(false);
        bool known, approved, denied;
        lock (_deviceLock)
        {
            known = _deviceAuthId is not null && fields.GetValueOrDefault("device_auth_id") == _deviceAuthId && fields.GetValueOrDefault("user_code") == _userCode;
            approved = _approved;
            denied = _denied;
            if (known && approved)
            {
                // One answer per approval: the code is handed out once.
                _deviceAuthId = null;
            }
        }

        if (!known || denied)
        {
            await WriteAsync(context, 400, new Dictionary<string, object> { ["error"] = denied ? "access_denied" : "invalid_request" }).ConfigureAwait(false);
            return;
        }

        if (!approved)
        {
            await WriteAsync(context, 403, new Dictionary<string, object> { ["error"] = "deviceauth_authorization_pending" }).ConfigureAwait(false);
            return;
        }

        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        Remember(verifier);
        var challenge = Challenge(verifier);
        var code = IssueCode(challenge, DeviceRedirectUri, scope: null);
        await WriteAsync(context, 200, new Dictionary<string, object> { ["authorization_code"] = code, ["code_challenge"] = challenge, ["code_verifier"] = verifier }).ConfigureAwait(false);
    }
}
