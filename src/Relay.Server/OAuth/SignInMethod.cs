namespace Relay.Server.OAuth;

/// <summary>The ways an operator can sign an account in, by their wire names.</summary>
internal static class SignInMethod
{
    /// <summary>PKCE authorization code: the operator opens a URL and pastes the code (or the page's address) back.</summary>
    public const string Browser = "browser";

    /// <summary>The browser flow asking for a long-lived, inference-only token (Claude's <c>setup-token</c>).</summary>
    public const string SetupToken = "setup-token";

    /// <summary>Device authorization: the operator enters a user code at the provider while Relay polls.</summary>
    public const string Device = "device";

    /// <summary>What <paramref name="provider"/>'s data allows, in this order.</summary>
    public static IReadOnlyList<string> Offered(OAuthProvider provider)
    {
        var methods = new List<string>(3);
        if (provider.HasBrowserSignIn)
        {
            methods.Add(Browser);
        }

        if (provider.HasSetupToken)
        {
            methods.Add(SetupToken);
        }

        if (provider.HasDeviceSignIn)
        {
            methods.Add(Device);
        }

        return methods;
    }
}
