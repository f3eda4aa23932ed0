using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Server.Control.Accounts;
using Relay.Server.Control.Groups;
using Relay.Server.Control.Keys;
using Relay.Server.Control.Policies;
using Relay.Server.Control.Prices;
using Relay.Server.Control.Sessions;
using Relay.Server.Control.Settings;
using Relay.Server.Control.Usage;
using Relay.Server.Hosting;

namespace Relay.Server.Control;

internal static class ControlServices
{
    /// <summary>The services behind the Control API; the CLI verbs register the same ones.</summary>
    public static IServiceCollection AddControlServices(this IServiceCollection services)
    {
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<KeyService>();
        services.TryAddSingleton<UsageService>();
        services.TryAddSingleton<PriceService>();
        services.TryAddSingleton<PolicyChecks>();
        services.TryAddSingleton<GroupService>();
        services.TryAddSingleton<PolicyService>();
        services.TryAddSingleton<SettingsService>();
        services.TryAddSingleton<AdminUserService>();
        return services;
    }

    /// <summary>What only the running server adds: watchers for changes the CLI makes to live state, and the OpenAPI security scheme.</summary>
    public static IServiceCollection AddControlApi(this IServiceCollection services, RelayOptions options)
    {
        services.AddControlServices();
        services.TryAddSingleton<SignInThrottle>();
        services.TryAddSingleton<AccountTester>();
        services.TryAddSingleton<AccountTokenRefresh>();
        services.TryAddSingleton<AdminSessions>();
        services.Configure<OpenApiOptions>("v1", openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());

        // The OpenAPI generator describes numbers from the app's JSON options. Control bodies are read
        // strictly ("5" is not a number, see ControlJson), so say the same here; nothing else in the app
        // deserializes through these options.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);

        var interval = TimeSpan.FromMilliseconds(Math.Max(100, options.ConfigPollMilliseconds));
        services.AddHostedService(sp => new AccountResetWatcher(
            sp.GetRequiredService<IConfigStore>(),
            sp.GetRequiredService<IHotState>(),
            interval,
            sp.GetRequiredService<ILogger<AccountResetWatcher>>()));

        // A configured token never changes at runtime; only a stored one can be rotated by the CLI.
        if (string.IsNullOrEmpty(options.AdminToken))
        {
            services.AddHostedService(sp => new AdminTokenWatcher(
                sp.GetRequiredService<AdminToken>(),
                sp.GetRequiredService<IConfigStore>(),
                interval,
                sp.GetRequiredService<ILogger<AdminTokenWatcher>>()));
        }

        return services;
    }
}
