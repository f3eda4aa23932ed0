using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Server.Control;
using Relay.Server.Control.Accounts;
using Relay.Server.Hosting;

namespace Relay.Server.Cli;

/// <summary>
/// The services a verb runs on: the same store, master key and Control services as the server, but
/// no web host and no background work. Options are read as the server reads them (appsettings.json
/// beside the binary, then RELAY_* variables), with the command line's settings on top.
/// </summary>
internal static class CliHost
{
    public static RelayOptions ReadOptions(IReadOnlyList<string> configArgs)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddRelayEnvironmentVariables()
            .AddCommandLine([.. configArgs])
            .Build();
        return RelayApp.ReadOptions(configuration);
    }

    public static async Task<ServiceProvider> StartAsync(RelayOptions options, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();

        // No log providers: a verb's output is its JSON; problems surface as its error and exit code.
        services.AddLogging();
        services.AddRelayStorage(options);
        services.AddControlServices();

        // Sign-ins run in this process from start to end: the session, its verifier and the calls to the provider stay here.
        services.AddOAuthSignIn();

        var provider = services.BuildServiceProvider();
        try
        {
            await provider.GetRequiredService<IConfigStore>().MigrateAsync(cancellationToken).ConfigureAwait(false);

            // A loaded snapshot lets views report accounts whose secret this master key cannot decrypt.
            await provider.GetRequiredService<SnapshotManager>().RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
            return provider;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
