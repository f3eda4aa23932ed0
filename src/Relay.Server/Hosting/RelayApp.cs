using System.Text.Json.Serialization;
using Relay.Core.Snapshots;
using Relay.Core.Storage;
using Relay.Server.Control;
using Relay.Server.Control.Sessions;
using Relay.Server.Inference;
using Relay.Server.SelfService;

namespace Relay.Server.Hosting;

/// <summary>Composes the server: configuration, services, endpoints. Tests build the same app on a loopback port.</summary>
public static partial class RelayApp
{
    /// <summary>Reads appsettings.json then RELAY_* variables and binds <see cref="RelayOptions"/>.</summary>
    public static RelayOptions ReadOptions(IConfiguration configuration)
    {
        var options = new RelayOptions();
        configuration.GetSection(RelayOptions.Section).Bind(options);
        return options;
    }

    /// <param name="args">Command-line arguments (ASP.NET's usual <c>--key value</c> overrides apply).</param>
    /// <param name="configure">Lets tests adjust the builder (logging, settings) before services are composed.</param>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,

            // appsettings.json ships next to the binary; the data directory stays relative to where Relay is started.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Precedence, lowest first: appsettings.json, RELAY_* variables, command-line arguments.
        builder.Configuration.AddRelayEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        configure?.Invoke(builder);

        var options = ReadOptions(builder.Configuration);
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOpenApi("v1");
        builder.Services.AddRelayServer(options);

        var app = builder.Build();
        await InitializeAsync(app, options).ConfigureAwait(false);

        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapControlApi();
        app.MapSelfService();
        app.MapInference();
        app.MapAdminUi();
        return app;
    }

    /// <summary>Migrates the store, loads the first snapshot and settles the admin token before any request is served.</summary>
    private static async Task InitializeAsync(WebApplication app, RelayOptions options)
    {
        var services = app.Services;
        var store = services.GetRequiredService<IConfigStore>();
        await store.MigrateAsync().ConfigureAwait(false);
        await services.GetRequiredService<SnapshotManager>().RefreshAsync(force: true).ConfigureAwait(false);

        var console = services.GetRequiredService<StartupConsole>().Writer;
        var generated = await services.GetRequiredService<AdminToken>().InitializeAsync(options.AdminToken, store, CancellationToken.None).ConfigureAwait(false);
        if (generated is not null)
        {
            // Deliberately written to the console, not to the log pipeline: it is shown exactly once and never stored in clear.
            console.WriteLine();
            console.WriteLine("  Relay generated an admin token for the Control API. It is shown only now:");
            console.WriteLine();
            console.WriteLine($"    {generated}");
            console.WriteLine();
            console.WriteLine("  Use it as 'Authorization: Bearer <token>'. To replace it: relay admin rotate-token.");
            console.WriteLine();
        }

        var password = await services.GetRequiredService<AdminUserService>().EnsureFirstAdminAsync(CancellationToken.None).ConfigureAwait(false);
        if (password is not null)
        {
            // Same rule as the token: console only, once. Only its PBKDF2 hash is stored.
            console.WriteLine();
            console.WriteLine($"  Relay created the admin user '{AdminUserService.FirstUsername}' for signing in. Its password is shown only now:");
            console.WriteLine();
            console.WriteLine($"    {password}");
            console.WriteLine();
            console.WriteLine("  To change it: relay admin users set-password admin --password -");
            console.WriteLine();
        }

        Log.Started(services.GetRequiredService<ILoggerFactory>().CreateLogger("Relay"), Path.GetFullPath(options.DataDir));
    }

    /// <summary>Where one-time startup notices (generated credentials) go; tests register their own writer.</summary>
    internal sealed class StartupConsole(TextWriter writer)
    {
        public TextWriter Writer { get; } = writer;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Relay ready; data directory {DataDir}")]
        public static partial void Started(ILogger logger, string dataDir);
    }
}
