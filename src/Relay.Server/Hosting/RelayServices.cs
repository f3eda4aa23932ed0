using Microsoft.Extensions.DependencyInjection.Extensions;
using Relay.Core.Admission;
using Relay.Core.Scheduling;
using Relay.Core.Security;
using Relay.Core.Settings;
using Relay.Core.Snapshots;
using Relay.Core.State;
using Relay.Core.Storage;
using Relay.Core.Usage;
using Relay.Server.Admission;
using Relay.Server.Control;
using Relay.Server.Control.Accounts;
using Relay.Server.Control.Status;
using Relay.Server.Forwarding;
using Relay.Server.Inference;
using Relay.Server.OAuth;
using Relay.Server.SelfService;
using Relay.Storage.Sqlite;

namespace Relay.Server.Hosting;

internal static class RelayServices
{
    /// <summary>The store, crypto and snapshot: what both the server and the CLI verbs need.</summary>
    public static IServiceCollection AddRelayStorage(this IServiceCollection services, RelayOptions options)
    {
        var dataDir = Path.GetFullPath(options.DataDir);
        // Owner-only: the directory holds the master key and the database of (encrypted) secrets.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDir);
        }
        else
        {
            Directory.CreateDirectory(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new SqliteDatabase(Path.Combine(dataDir, "relay.db")));
        services.TryAddSingleton<IConfigStore, SqliteConfigStore>();
        services.TryAddSingleton<IUsageStore, SqliteUsageStore>();
        services.TryAddSingleton(_ => new SecretProtector(MasterKey.LoadOrCreate(dataDir, options.MasterKey)));
        // The process settings are the defaults of the live ones (GET/PATCH /api/settings); each snapshot resolves both.
        services.TryAddSingleton(ForwardingSettings.FromSeconds(
            options.StickyTtlSeconds, options.MaxAttempts, options.StreamFirstByteTimeoutSeconds, options.FirstByteTimeoutSeconds, options.StreamIdleTimeoutSeconds));
        services.TryAddSingleton<SnapshotManager>();
        services.TryAddSingleton<ISnapshotSource>(sp => sp.GetRequiredService<SnapshotManager>());
        services.TryAddSingleton<IHotState>(_ => new InProcessHotState());
        services.TryAddSingleton<IAdminStore, SqliteAdminStore>();
        services.TryAddSingleton(new OAuthProviders(options.OAuthProviders));
        services.TryAddSingleton<AdminToken>();
        services.TryAddSingleton(new RelayApp.StartupConsole(Console.Out));
        return services;
    }

    /// <summary>Everything the running server adds on top: the request path and its background services.</summary>
    public static IServiceCollection AddRelayServer(this IServiceCollection services, RelayOptions options)
    {
        services.AddRelayStorage(options);
        services.TryAddSingleton<AccountScheduler>();
        services.TryAddSingleton<KeyAdmission>();
        services.TryAddSingleton<KeyFirstUse>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyFirstUse>());
        services.AddSingleton<ISnapshotPreparer, LimitSeeder>();
        services.TryAddSingleton<MeService>();
        services.TryAddSingleton<UpstreamHttp>();

        // Carries each proxy's handler over to the new snapshot and releases those no account uses any more.
        services.AddSingleton<ISnapshotPreparer>(sp => sp.GetRequiredService<UpstreamHttp>());
        services.TryAddSingleton<OAuthTokens>();
        services.TryAddSingleton<OAuthBearer>();
        services.TryAddSingleton<Forwarder>();
        services.TryAddSingleton<InferenceProxy>();
        services.TryAddSingleton<InFlightRequests>();
        services.TryAddSingleton(new ServerInfo(ServerInfo.AssemblyVersion, TimeProvider.System.GetUtcNow()));
        services.TryAddSingleton<ModelListing>();
        services.TryAddSingleton(sp => new UsageRecorder(
            sp.GetRequiredService<IUsageStore>(),
            options.UsageQueueCapacity,
            sp.GetRequiredService<ILogger<UsageRecorder>>()));
        services.AddHostedService(sp => sp.GetRequiredService<UsageRecorder>());
        services.TryAddSingleton<UsageContentRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageContentRetention>());
        services.AddHostedService(sp => new SnapshotRefreshService(
            sp.GetRequiredService<SnapshotManager>(),
            TimeSpan.FromMilliseconds(Math.Max(100, options.ConfigPollMilliseconds)),
            sp.GetRequiredService<ILogger<SnapshotRefreshService>>()));
        services.AddControlApi(options);
        services.AddOAuthSignIn();
        return services;
    }
}
