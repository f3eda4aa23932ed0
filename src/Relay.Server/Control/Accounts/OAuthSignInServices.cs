using Microsoft.Extensions.DependencyInjection.Extensions;
using Relay.Server.Forwarding;

namespace Relay.Server.Control.Accounts;

internal static class OAuthSignInServices
{
    /// <summary>Sign-ins and imports; the server and the CLI verbs register the same ones (the CLI holds its own sessions).</summary>
    public static IServiceCollection AddOAuthSignIn(this IServiceCollection services)
    {
        services.TryAddSingleton<UpstreamHttp>();
        services.TryAddSingleton<SignInSessions>();
        services.TryAddSingleton<OAuthSignIn>();
        return services;
    }
}
