using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Relay.Server.OAuth;

/// <summary>PKCE (RFC 7636, S256) and the random values of a sign-in.</summary>
internal static class Pkce
{
    /// <summary>base64url of 32 random bytes: a 43-character verifier, state or session id.</summary>
    public static string RandomValue() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>base64url(SHA-256(verifier)), the <c>code_challenge</c> of method S256.</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
